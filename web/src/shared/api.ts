// Thin typed client for the REST routes in docs/api.md. Every failure becomes an ApiError.
import type { Analysis as ArchAnalysis, AnalysisChanges as ArchAnalysisChanges, Catalog as ArchCatalog } from '../features/architecture/model';
import { track } from './busy';
import type { Json, PatchOp } from './patch';

export interface Project {
  id: string;
  name: string;
  description: string;
  defaultBranch: string;
  created: string;
  role: string;
}
export interface Me { id: string; name: string; mode: 'local' | 'accounts'; email?: string; admin?: boolean; csrf?: string; via?: string }
export interface AuthOptions { mode: 'local' | 'accounts'; signup: boolean }
/** A personal API token as listed; `token` (the secret) only in the reply that created it. */
export interface ApiToken {
  id: string;
  name: string;
  scope: 'read' | 'write';
  created: string;
  expires: string | null;
  lastUsed: string | null;
  revoked: string | null;
  token?: string;
}
export interface UserRow { id: string; name: string; email: string; created: string; disabled: boolean; admin: boolean }
export interface AuditRow { id: number; time: string; actor: string; action: string; target: string; detail: string; address: string }
export interface Members { public: boolean; members: { user: string; id: string; role: 'reader' | 'writer' | 'owner' }[] }
/** One kind of architecture a library draws (docs/libraries.md). */
export interface LibraryKind { id: string; name: string; description: string; template: Record<string, Json> }
/** A library the server has (GET /libraries). */
export interface LibraryInfo {
  id: string;
  name: string;
  version: string;
  versions: string[];
  description: string;
  kinds: LibraryKind[];
  operations: string[];
  examples: string[];
  requirements: string[];
}
/** A library of a project (GET /projects/{p}/libraries): the version it uses and what the server has. */
export interface ProjectLibrary {
  id: string;
  name: string;
  version: string;
  installed: boolean;
  /** The newest version the server has (null when it has none). */
  latest: string | null;
  /** The newer version the project can move to. */
  upgrade?: string;
  /** Ids of the kinds of architecture it draws. */
  kinds: string[];
  /** `{kind: "architecture"|"node"|"operation", name, …}` each. */
  usedBy: Json[];
}
/** An example project the server can create (GET /examples). */
export interface Example { id: string; name: string; description: string }
export interface Branch { name: string; head: string }
export interface Tag { name: string; commit: string }
export interface Commit {
  id: string;
  parents: string[];
  author: { name: string; email: string };
  time: string;
  message: string;
  paths: string[];
}
export interface CommitPage { commits: Commit[]; next: string | null }
/** What deleting executions freed (or, for a dry run, would free) and kept (docs/api.md, Retention). */
export interface Deletion {
  dryRun: boolean;
  deleted: string[];
  freed: { bytes: number; files: number; folderBytes: number; folderFiles: number; folderDiskBytes: number };
  kept: { execution: string; artifact: string; name: string; reason: string }[];
  data: { key: string; size: number; deleted: boolean; reason?: string }[];
  skipped?: { id: string; status?: string; reason: string }[];
  remaining?: number;
}
/** Which finished executions a project keeps (null: that rule is not used). */
export interface RetentionPolicy { keepLast: number | null; keepDays: number | null; keepArtifactProducers: boolean; active?: boolean }

export type EntryMap = Record<string, Record<string, Json>>;
export interface ModelView {
  project: { name: string; description: string };
  pipelines: EntryMap;
  operations: EntryMap;
  architectures: EntryMap;
  artifacts: EntryMap;
  utils: EntryMap;
  [extra: string]: Json;
}
export interface ModelResponse { ref: string; commit: string; model: ModelView }
export interface DiffEntity { kind: string; id: string; status: 'added' | 'removed' | 'modified'; name?: string }
export interface DiffChange { op: 'add' | 'remove' | 'replace'; path: string; from?: Json; to?: Json }
/** One change said in users' names ("Train and score ▸ Train ▸ epochs: 10 → 12"). */
export interface NamedChange { kind: 'add' | 'remove' | 'change' | 'move'; path: string; label: string; text: string; from?: Json; to?: Json }
export interface CodeLine { type: ' ' | '+' | '-'; text: string; old?: number; new?: number }
export interface CodeHunk { oldStart: number; oldCount: number; newStart: number; newCount: number; lines: CodeLine[] }
/** The code of an operation or utility module, as changed lines. */
export interface CodeChange { path: string; label: string; status: 'added' | 'removed' | 'modified'; added: number; removed: number; hunks: CodeHunk[] }
export interface Diff { from: string; to: string; entities: DiffEntity[]; changes: DiffChange[]; named?: NamedChange[]; code?: CodeChange[] }
/** A run of lines of a code conflict: agreed on (`same`), or differing (`ours`/`theirs`, each line with its newline). */
export interface ConflictChunk { same?: string[]; base?: string[]; ours?: string[]; theirs?: string[] }
export interface Conflict {
  path: string;
  base?: Json;
  ours?: Json;
  theirs?: Json;
  /** Where, in users' names: "Train and score ▸ Train ▸ epochs". */
  label?: string;
  field?: string;
  operation?: string;
  pipeline?: string;
  /** Code conflicts, line by line. */
  chunks?: ConflictChunk[];
}
/** A person's choice for one conflict of a merge. */
export type Resolution = { path: string; take: 'ours' | 'theirs' } | { path: string; value: Json };
/** One entry of the notebook history: a person's consecutive edits, a checkpoint, a merge, … */
export interface HistoryEntry {
  kind: 'edits' | 'checkpoint' | 'merge' | 'revert' | 'created';
  title: string;
  changes: string[];
  moreChanges: number;
  author: { name: string; email: string };
  start: string;
  end: string;
  from: string | null;
  to: string;
  commits: Commit[];
}
export interface HistoryPage { entries: HistoryEntry[]; next: string | null }
/** A commit an execution can run again with. */
export interface RunVersion { commit: string; short: string; message?: string; author?: string; time?: string; branch?: string }
/** GET /executions/{id}/since: the recorded and current versions and what changed in between. */
export interface ExecutionSince {
  recorded: RunVersion;
  current: RunVersion | null;
  changed: { kind: 'operation' | 'pipeline' | 'utils'; name: string; summary: string; changes: string[] }[];
}
export interface ChangeResult { commit: string; rebased: boolean }

/** One parameter of an operation's interface (docs/operations.md). */
export interface IfaceAttribute {
  name: string;
  type: string;
  default?: Json;
  min?: number;
  max?: number;
  choices?: Json[];
  annotation?: string;
  required?: boolean;
  line?: number;
  col?: number;
}
export interface IfaceReference { name: string; type: string; line?: number; col?: number }
/** `typeFrom`: where an output's type was read (return annotation, docstring, a returned literal). */
/** The type an output's value had in the latest successful job of its operation, and where that was. */
export interface ObservedType { type: string; execution: string; job: string; at: string }
/** `{operation: {output: ObservedType}}`. */
export type ObservedTypes = Record<string, Record<string, ObservedType>>;
export interface IfacePort { name: string; type?: string | null; typeFrom?: 'annotation' | 'docstring' | 'literal'; line?: number; col?: number }
/** A problem the analysis found in code that parses: an undefined name or an import the jobs' Python lacks. */
export interface LintItem { line: number; col: number; endCol?: number; severity: string; kind: string; message: string }
export interface SyntaxErrorInfo { message: string; line: number; col: number }
/** `operations.<Name>.interface`, derived by the server from the code. */
export interface OperationInterface {
  class?: string;
  docstring?: string | null;
  line?: number;
  attributes: IfaceAttribute[];
  references: IfaceReference[];
  inputs: IfacePort[];
  outputs: IfacePort[];
  errors: (string | { message: string; line?: number; col?: number })[];
  syntaxError: SyntaxErrorInfo | null;
  lint?: LintItem[];
}
/** One edit of POST …/operations/{name}/interface, e.g. {action: 'add_input', name: 'x'}. */
export interface InterfaceEdit { action: string; [field: string]: Json }
/** A pipeline problem; a `warning` (undefined name, unresolved import, with the code `line`) does not block a run. */
export interface Problem { node: string; port?: string; kind: string; message: string; line?: number; severity?: 'error' | 'warning' }
export interface Requirements { missing: string[]; found: Record<string, string> }

export type ExecStatus = 'pending' | 'queued' | 'running' | 'success' | 'failed' | 'cancelled' | 'skipped' | 'cached';
export interface JobInfo {
  id: string;
  operation: string | null;
  status: ExecStatus;
  message: string | null;
  started: string | null;
  finished: string | null;
}
/** One page of a list, newest first; `next` is the cursor of the page after it (null on the last page). */
export interface Page<T> {
  items: T[];
  next: string | null;
}
/** Which executions a list shows (docs/api.md, Executions): unset fields do not filter. */
export interface ExecutionFilter {
  pipeline?: string;
  /** One status or several, comma-separated. */
  status?: string;
  user?: string;
  since?: string;
  until?: string;
}
/** One run of a pipeline (docs/api.md, Executions); `jobs` only from GET /executions/{e}. */
export interface Execution {
  id: string;
  project: string;
  pipeline: string;
  branch: string;
  commit: string;
  tag: string | null;
  name: string;
  status: ExecStatus;
  user: string;
  compute: Json;
  storage: Json;
  created: string;
  finished: string | null;
  /** Every job is seeded from it (docs/jobs.md "Seeds"). */
  seed?: number;
  jobs?: JobInfo[];
}
/** A named value in each compared execution (null where it has none) and whether they agree. */
export interface CompareRow { name: string; same: boolean; values: (string | null)[] }
/** One job (paired across executions) of a comparison (docs/api.md, "Compare executions"). */
export interface CompareJob {
  key: string;
  label: string;
  present: boolean[];
  differs: boolean;
  outputsSame: boolean;
  status: CompareRow;
  /** sha256 of the code in each; `diffs[i]` the line diff of execution i against the first that has the job (null: the same or absent). */
  code: { same: boolean; sha256: (string | null)[]; diffs: ({ added: number; removed: number; hunks: CodeHunk[] } | null)[] };
  attributes: CompareRow[];
  inputs: CompareRow[];
  outputs: CompareRow[];
  environment: CompareRow[];
  seed: CompareRow;
}
export interface ExecutionComparison {
  executions: (Execution & { pipelineName: string; shortCommit: string })[];
  run: CompareRow[];
  jobs: CompareJob[];
  /** The first job, in pipeline order, whose outputs differ (null: none did). */
  firstDiverged: string | null;
}
/** A compute or storage adapter the server offers, with the JSON Schema of its configuration. */
/** A kind of stored credentials, declared by the adapters that need it: what the secret form asks for (GET /secret-kinds). */
export interface SecretKindInfo {
  kind: string;
  title: string;
  fields: { name: string; label: string; secret: boolean }[];
  /** The server's variables read when "env" is chosen instead of a stored secret; absent if it cannot be. */
  environment?: string[];
}
export interface AdapterInfo {
  name: string;
  title: string;
  schema: import('../features/executions/SchemaForm').Schema;
  secret?: SecretKindInfo;
  /** Whether data already in this storage can be registered as an artifact (the import dialog lists only these). */
  imports?: boolean;
}
/** One of the caller's stored credentials; values are never sent back. */
export interface SecretInfo { name: string; kind: string; fields: string[]; created: string; updated: string }
export interface RunRequest {
  branch?: string;
  compute?: { adapter: string; [option: string]: Json };
  storage?: { adapter: string; [option: string]: Json };
  name?: string;
  ignoreCache?: boolean;
  ignoreCacheJobs?: string[];
  /** 0 to 2^32-1; when absent, the pipeline's latest seed (drawn for its first run). */
  seed?: number;
}
/** An artifact's pipeline, rebuilt from its provenance and committed on a branch. */
export interface OpenedPipeline {
  branch: string;
  branchCreated: boolean;
  commit: string;
  artifact: string;
  pipeline: string;
  name: string;
  execution: string | null;
  seed: number | null;
  addedOperations: string[];
  addedArchitectures: string[];
}
/** Whether a reproducing execution saved the same data as the original artifact. */
export interface Reproduction {
  execution: string;
  artifact: string;
  status: string;
  verdict: 'running' | 'identical' | 'differs' | 'missing';
  message?: string;
  reproduced?: string;
  sha256?: string;
  reproducedSha256?: string;
  firstDivergedJob?: string;
  firstDivergedOperation?: string;
}
export interface LogPage { from: number; next: number; lines: string[]; more?: boolean }
/** name → [[step, value, time], …]; time in seconds since the epoch */
export type Metrics = Record<string, [number | null, number, number | string][]>;
/** Which points of a job's series to fetch: about `points` per series (each bucket's min and max), steps `from`…`to` */
export interface MetricWindow { points?: number; from?: number; to?: number }
export interface Plot { id: string; title: string; svg: string; updated?: string }
export interface ArtifactRow {
  id: string;
  name: string;
  type: string;
  size: number;
  created: string | null;
  adapter: string;
  execution: string | null;
}
export type { ArchAnalysis, ArchCatalog };
/** What the sandboxed preview found in an artifact (GET …/artifacts/{a}/preview `preview`), by `kind`. */
export type PreviewBody =
  | { kind: 'array'; type: string; shape: number[]; dtype: string; size: number;
      stats: { min?: number | null; max?: number | null; mean?: number | null; exact?: boolean; nan?: number };
      image?: string; value?: Json; values?: Json[] }
  | { kind: 'table'; type: string; columns: string[]; rows: Json[][]; total: number }
  | { kind: 'text'; type: string; text: string; truncated: boolean; bytes?: number; json?: boolean }
  | { kind: 'image'; type: string; image: string; bytes: number }
  | { kind: 'fits'; type: string; hdus: { name: string; kind: string; cards: [string, Json, string][]; shape?: number[]; bitpix?: number }[] }
  | { kind: 'model'; type: string; class: string; module: string; parameters: number; trainable: number;
      modules: { name: string; type: string; depth: number; parameters: number; out?: number }[] }
  | { kind: 'value'; type: string; value: Json }
  | { kind: 'object' | 'binary'; type: string; text?: string; bytes?: number; head?: string };
export interface ArtifactPreview {
  artifact: string;
  name: string;
  type: string;
  sha256: string;
  bytes: number;
  /** The name the download gets (with its type's extension). */
  fileName: string;
  preview: PreviewBody;
  /** For a model: the code that loads the downloaded file with plain PyTorch. */
  load?: string;
}
/** A 2-D slice of an array, every `step`-th row and column. */
export interface ArraySlice { index: number[]; shape: [number, number]; step: [number, number]; rows: (number | null)[][]; min: number | null; max: number | null }
export interface LineageNode { id: string; kind: 'artifact' | 'job'; label: string; [extra: string]: Json }
export interface Lineage { nodes: LineageNode[]; edges: { from: string; to: string; port?: string; sha256?: string | null }[] }

/** An interactive session's resource use (docs/sessions.md), reported every few seconds while its agent is connected. */
export interface SessionResources { rssBytes?: number; cpuSeconds?: number; cuda?: boolean }
/** A long-lived Python process of one user in one project (docs/sessions.md, REST and WebSocket). */
export interface Session {
  id: string;
  project: string;
  owner: string;
  adapter: string;
  state: string;
  reason: string | null;
  created: string;
  lastActivity: string | null;
  shared: boolean;
  branch: string;
  commit: string;
  idleTimeoutSeconds: number;
  environment: Record<string, Json> | null;
  resources: SessionResources | null;
}
/** A Jupyter mimetype → value map (`image/png` as base64; DeepForge's own mimetypes are JSON objects). */
export type MimeBundle = Record<string, Json>;
/** One output of a cell, as Jupyter's output kinds (docs/sessions.md, agent protocol). */
export type CellOutput =
  | { kind: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { kind: 'display'; data: MimeBundle }
  | { kind: 'result'; executionCount: number | null; data: MimeBundle }
  | { kind: 'error'; ename: string; evalue: string; traceback: string[] };
export type CellState = 'queued' | 'running' | 'ok' | 'error' | 'aborted';
export interface Cell {
  id: string;
  index: number;
  code: string;
  origin: 'console' | 'load' | 'explore' | 'train' | 'save';
  state: CellState;
  executionCount: number | null;
  outputs: CellOutput[];
  created: string;
  finished: string | null;
}
export interface CatalogArgument { name: string; default?: Json; type: string; required?: boolean; doc?: string }
/** A loss or optimizer of the training catalog (generated from torch.nn and torch.optim). */
export interface CatalogEntry { name: string; doc: string; arguments: CatalogArgument[] }
export interface TrainingCatalog { losses: CatalogEntry[]; optimizers: CatalogEntry[] }
/** What the network trainer sends (docs/sessions.md, Trainer); the server adds the training's id. */
export interface TrainerConfig {
  data: string;
  architecture: string;
  loss: { name: string; arguments: Record<string, Json> };
  optimizer: { name: string; arguments: Record<string, Json> };
  batchSize: number;
  epochs: number;
  validationSplit: number;
  device: 'cpu' | 'cuda';
  seed?: number;
}
export interface TrainingPoint { step: number; epoch: number; value: number }
export interface Training {
  id: string;
  config: TrainerConfig;
  state: 'running' | 'finished' | 'stopped' | 'failed' | string;
  epochs: number;
  metrics: Record<string, TrainingPoint[]>;
  cell: string;
  /** Why a failed training failed. */
  error?: string;
}
/** The artifact a save created and the commit that recorded it. */
export interface SavedArtifact { artifact: { id: string; name: string; type: string; sha256: string; size: number }; commit: string }

/** A failed request: HTTP status (0 when the server could not be reached) and the server's message. */
export class ApiError extends Error {
  readonly status: number;
  readonly detail?: Json;
  readonly incident?: string;
  /** 409 on /changes: the JSON pointer that conflicted and its value now. */
  readonly path?: string;
  readonly current?: Json;
  /** 409 on merge/revert. */
  readonly conflicts?: Conflict[];
  /** 409 on merge/revert: what "ours" and "theirs" are (branch names). */
  readonly sides?: { ours: string; theirs: string };
  /** 400 on a run: the pipeline's problems (top level or inside `detail`). */
  readonly problems?: Problem[];

  constructor(status: number, message: string, body: Record<string, Json> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    if ('detail' in body) this.detail = body.detail;
    if (typeof body.id === 'string') this.incident = body.id;
    // the conflict fields may sit at the top level or inside `detail`
    const detail = body.detail && typeof body.detail === 'object' && !Array.isArray(body.detail) ? body.detail : {};
    const path = typeof body.path === 'string' ? body.path : detail.path;
    if (typeof path === 'string') this.path = path;
    if ('current' in body) this.current = body.current;
    else if ('current' in detail) this.current = detail.current;
    if (Array.isArray(body.conflicts)) this.conflicts = body.conflicts as unknown as Conflict[];
    if (this.conflicts && typeof body.ours === 'string' && typeof body.theirs === 'string') this.sides = { ours: body.ours, theirs: body.theirs };
    const problems = Array.isArray(body.problems) ? body.problems : Array.isArray(detail.problems) ? detail.problems : undefined;
    if (problems) this.problems = problems as unknown as Problem[];
  }
}

const BASE = '/api/v1';
const enc = encodeURIComponent;

function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function errorFrom(res: Response): Promise<ApiError> {
  const fallback = `${res.status} ${res.statusText || 'request failed'}`.trim();
  let text = '';
  try {
    text = await res.text();
  } catch {
    return new ApiError(res.status, fallback);
  }
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      const obj = body as Record<string, Json>;
      const msg = typeof obj.error === 'string' && obj.error ? obj.error : fallback;
      return new ApiError(res.status, msg, obj);
    }
  } catch {
    // not JSON (a proxy error page, for instance)
  }
  return new ApiError(res.status, fallback);
}

interface Options { body?: unknown; raw?: BodyInit; contentType?: string; /** sees the headers of a 2xx answer */ onHeaders?: (h: Headers) => void }

// The per-session CSRF token (from /me or sign-in): state-changing requests with the session cookie carry it.
let csrfToken: string | null = null;
export function setCsrfToken(token: string | null | undefined) {
  csrfToken = token ?? null;
}
/** The header a state-changing request needs in accounts mode (empty in local mode). */
export function csrfHeaders(): Record<string, string> {
  return csrfToken ? { 'X-CSRF-Token': csrfToken } : {};
}
/** Called when the server says the session is gone (401), so the app can show the sign-in page. */
let onSignedOut: (() => void) | null = null;
export function setSignedOutHandler(handler: (() => void) | null) {
  onSignedOut = handler;
}

async function request<T>(method: string, path: string, opts: Options = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') Object.assign(headers, csrfHeaders());
  let body: BodyInit | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['Content-Type'] = opts.contentType ?? 'application/octet-stream';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(BASE + path, { method, headers, body });
  } catch (e) {
    throw new ApiError(0, `Cannot reach the DeepForge server (${e instanceof Error ? e.message : String(e)})`);
  }
  if (res.status === 401 && onSignedOut && !path.startsWith('/auth/')) onSignedOut();
  if (!res.ok) throw await errorFrom(res);
  opts.onHeaders?.(res.headers);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(res.status, `The server sent a response that is not JSON for ${method} ${path}`);
  }
}

/** Like request, but shows the global progress indicator while it runs. */
function call<T>(method: string, path: string, opts?: Options): Promise<T> {
  return track(request<T>(method, path, opts));
}

const p = (project: string) => `/projects/${enc(project)}`;

export const api = {
  health: () => call<{ status: string }>('GET', '/health'),
  me: () => request<Me>('GET', '/me'),
  authOptions: () => request<AuthOptions>('GET', '/auth/options'),
  login: (name: string, password: string) => call<Me>('POST', '/auth/login', { body: { name, password } }),
  signup: (name: string, password: string, email?: string) =>
    call<Me>('POST', '/auth/signup', { body: email ? { name, password, email } : { name, password } }),
  logout: () => call<void>('POST', '/auth/logout'),
  changePassword: (old: string, password: string) => call<Me | undefined>('PUT', '/me/password', { body: { old, password } }),
  listTokens: () => call<ApiToken[]>('GET', '/me/tokens'),
  createToken: (name: string, scope: 'read' | 'write', expiresInDays?: number) =>
    call<ApiToken>('POST', '/me/tokens', { body: expiresInDays ? { name, scope, expiresInDays } : { name, scope } }),
  revokeToken: (id: string) => call<void>('DELETE', `/me/tokens/${enc(id)}`),
  listUsers: () => call<UserRow[]>('GET', '/admin/users'),
  createUser: (name: string, password: string, admin: boolean) =>
    call<UserRow>('POST', '/admin/users', { body: { name, password, admin } }),
  setUserDisabled: (name: string, disabled: boolean) =>
    call<UserRow>('POST', `/admin/users/${enc(name)}/${disabled ? 'disable' : 'enable'}`),
  deleteUser: (name: string) => call<void>('DELETE', `/admin/users/${enc(name)}`),
  audit: (filter: { user?: string; action?: string; since?: string } = {}, cursor?: string | null, limit = 200) =>
    call<Page<AuditRow>>('GET', `/admin/audit${query({ ...filter, cursor, limit })}`),
  members: (project: string) => call<Members>('GET', `${p(project)}/members`),
  setMember: (project: string, user: string, role: string) =>
    call<Members>('PUT', `${p(project)}/members/${enc(user)}`, { body: { role } }),
  removeMember: (project: string, user: string) => call<void>('DELETE', `${p(project)}/members/${enc(user)}`),
  setPublic: (project: string, open: boolean) => call<Members>('PUT', `${p(project)}/visibility`, { body: { public: open } }),

  listProjects: () => call<Project[]>('GET', '/projects'),
  /** A new project; `libraries` (ids) replaces the default, PyTorch. */
  createProject: (name: string, description?: string, libraries?: string[]) =>
    call<Project>('POST', '/projects', { body: { name, ...(description ? { description } : {}), ...(libraries ? { libraries } : {}) } }),
  getProject: (project: string) => call<Project>('GET', p(project)),
  updateProject: (project: string, fields: { name?: string; description?: string }) =>
    call<Project>('PATCH', p(project), { body: fields }),
  deleteProject: (project: string) => call<void>('DELETE', p(project)),
  exportUrl: (project: string) => `${BASE}${p(project)}/export`,
  importProject: (name: string, bundle: Blob | ArrayBuffer) =>
    call<Project>('POST', `/projects/import${query({ name })}`, { raw: bundle }),
  listExamples: () => call<Example[]>('GET', '/examples'),
  createExample: (id: string) => call<Project>('POST', `/examples/${enc(id)}`),
  pipelineExportUrl: (project: string, pipeline: string, ref: string) =>
    `${BASE}${p(project)}/pipelines/${enc(pipeline)}/export${query({ ref, inputs: 'true' })}`,

  listBranches: (project: string) => call<Branch[]>('GET', `${p(project)}/branches`),
  createBranch: (project: string, name: string, from: string) =>
    call<Branch>('POST', `${p(project)}/branches`, { body: { name, from } }),
  deleteBranch: (project: string, branch: string) => call<void>('DELETE', `${p(project)}/branches/${enc(branch)}`),

  listTags: (project: string, kind: 'user' | 'run' = 'user', cursor?: string | null) =>
    call<Page<Tag>>('GET', `${p(project)}/tags${query({ kind, cursor })}`),
  createTag: (project: string, name: string, ref: string) =>
    call<Tag>('POST', `${p(project)}/tags`, { body: { name, ref } }),
  deleteTag: (project: string, tag: string) => call<void>('DELETE', `${p(project)}/tags/${enc(tag)}`),

  listCommits: (project: string, opts: { ref?: string; limit?: number; after?: string | null } = {}) =>
    call<CommitPage>('GET', `${p(project)}/commits${query(opts)}`),
  getModel: (project: string, ref?: string) => call<ModelResponse>('GET', `${p(project)}/model${query({ ref })}`),
  diff: (project: string, from: string, to: string) => call<Diff>('GET', `${p(project)}/diff${query({ from, to })}`),
  merge: (project: string, from: string, into: string, message?: string, resolutions?: Resolution[]) =>
    call<{ commit: string; fastForward: boolean; upToDate?: boolean }>('POST', `${p(project)}/merge`, {
      body: { from, into, ...(message ? { message } : {}), ...(resolutions?.length ? { resolutions: resolutions as unknown as Json } : {}) },
    }),
  history: (project: string, opts: { ref?: string; limit?: number; after?: string | null } = {}) =>
    call<HistoryPage>('GET', `${p(project)}/history${query(opts)}`),
  checkpoint: (project: string, branch: string, message: string) =>
    call<{ commit: string }>('POST', `${p(project)}/branches/${enc(branch)}/checkpoint`, { body: { message } }),
  revert: (project: string, commit: string, branch: string) =>
    call<{ commit: string }>('POST', `${p(project)}/revert`, { body: { commit, branch } }),

  applyChanges: (project: string, branch: string, change: { base: string; message: string; patch: PatchOp[] }) =>
    call<ChangeResult>('POST', `${p(project)}/branches/${enc(branch)}/changes`, { body: change }),

  createOperation: (project: string, branch: string, name: string, from?: string) =>
    call<{ commit: string; name: string }>('POST', `${p(project)}/branches/${enc(branch)}/operations`, {
      body: from ? { name, from } : { name },
    }),
  renameOperation: (project: string, branch: string, name: string, to: string) =>
    call<{ commit: string; name: string }>('POST', `${p(project)}/branches/${enc(branch)}/operations/${enc(name)}/rename`, {
      body: { to },
    }),
  deleteOperation: (project: string, branch: string, name: string) =>
    call<{ commit: string }>('DELETE', `${p(project)}/branches/${enc(branch)}/operations/${enc(name)}`),
  editInterface: (project: string, branch: string, name: string, edit: InterfaceEdit, base?: string) =>
    call<{ commit: string; code: string; interface: OperationInterface }>(
      'POST',
      `${p(project)}/branches/${enc(branch)}/operations/${enc(name)}/interface`,
      { body: base ? { base, edit } : { edit } },
    ),
  /** Per operation and output, the type the output had in its latest successful job (information, not a declared type). */
  observedTypes: (project: string) =>
    request<ObservedTypes>('GET', `${p(project)}/operations/observed-types`),
  requirements: (project: string, name: string, ref?: string) =>
    call<Requirements>('GET', `${p(project)}/operations/${enc(name)}/requirements${query({ ref })}`),
  /** The interface of unsaved code; not tracked by the busy indicator (it runs while typing). */
  parseOperation: (project: string, code: string, name?: string) =>
    request<OperationInterface>('POST', `${p(project)}/analysis/parse`, { body: name ? { code, name } : { code } }),
  problems: (project: string, pipeline: string, ref?: string) =>
    request<{ problems: Problem[] }>('GET', `${p(project)}/pipelines/${enc(pipeline)}/problems${query({ ref })}`),

  runPipeline: (project: string, pipeline: string, body: RunRequest) =>
    call<Execution>('POST', `${p(project)}/pipelines/${enc(pipeline)}/executions`, { body }),
  computeAdapters: () => request<AdapterInfo[]>('GET', '/compute/adapters'),
  storageAdapters: () => request<AdapterInfo[]>('GET', '/storage/adapters'),
  computeStatus: (adapter: string) => call<Record<string, Json>>('GET', `/compute/${enc(adapter)}/status`),
  listSecrets: () => request<SecretInfo[]>('GET', '/secrets'),
  secretKinds: () => request<SecretKindInfo[]>('GET', '/secret-kinds'),
  putSecret: (name: string, fields: Record<string, string>) => call<{ name: string }>('PUT', `/secrets/${enc(name)}`, { body: fields }),
  deleteSecret: (name: string) => call<void>('DELETE', `/secrets/${enc(name)}`),
  listExecutions: (project: string, filter: ExecutionFilter = {}, cursor?: string | null, limit?: number) =>
    request<Page<Execution>>('GET', `${p(project)}/executions${query({ ...filter, cursor, limit })}`),
  compareExecutions: (project: string, ids: string[]) =>
    request<ExecutionComparison>('GET', `${p(project)}/executions/compare${query({ ids: ids.join(',') })}`),
  getExecution: (execution: string) => request<Execution>('GET', `/executions/${enc(execution)}`),
  jobLog: (execution: string, job: string, from = 0) =>
    request<LogPage>('GET', `/executions/${enc(execution)}/jobs/${enc(job)}/log${query({ from })}`),
  jobMetrics: (execution: string, job: string, window: MetricWindow = {}) =>
    request<Metrics>('GET', `/executions/${enc(execution)}/jobs/${enc(job)}/metrics${query({ ...window })}`),
  /** every point of a job's series as a CSV download */
  jobMetricsCsvUrl: (execution: string, job: string) => `${BASE}/executions/${enc(execution)}/jobs/${enc(job)}/metrics.csv`,
  jobPlots: (execution: string, job: string) => request<Plot[]>('GET', `/executions/${enc(execution)}/jobs/${enc(job)}/plots`),
  cancelExecution: (execution: string) => call<Execution>('POST', `/executions/${enc(execution)}/cancel`),
  rerunExecution: (execution: string, body: { ignoreCache?: boolean; code?: 'recorded' | 'current' } = {}) =>
    call<Execution>('POST', `/executions/${enc(execution)}/rerun`, { body }),
  executionSince: (execution: string) => call<ExecutionSince>('GET', `/executions/${enc(execution)}/since`),
  deleteExecution: (execution: string, dryRun = false) =>
    call<Deletion>('DELETE', `/executions/${enc(execution)}${query({ dryRun: dryRun ? 'true' : undefined })}`),
  deleteExecutions: (project: string, body: { ids: string[]; dryRun?: boolean }) => call<Deletion>('POST', `${p(project)}/executions/delete`, { body }),
  retentionPolicy: (project: string) => request<RetentionPolicy>('GET', `${p(project)}/retention`),
  setRetentionPolicy: (project: string, policy: RetentionPolicy) => call<RetentionPolicy>('PUT', `${p(project)}/retention`, { body: policy }),
  applyRetention: (project: string, dryRun: boolean) => call<Deletion>('POST', `${p(project)}/retention/apply`, { body: { dryRun } }),

  libraries: () => request<LibraryInfo[]>('GET', '/libraries'),
  kindCatalog: (library: string, kind: string) => request<ArchCatalog>('GET', `/libraries/${enc(library)}/kinds/${enc(kind)}/catalog`),
  projectLibraries: (project: string, branch?: string) => request<ProjectLibrary[]>('GET', `${p(project)}/libraries${query({ branch })}`),
  addLibrary: (project: string, branch: string, id: string, version?: string) =>
    call<{ commit: string; kept?: string[] }>('POST', `${p(project)}/libraries${query({ branch })}`, { body: version ? { id, version } : { id } }),
  removeLibrary: (project: string, branch: string, id: string) =>
    call<{ commit: string }>('DELETE', `${p(project)}/libraries/${enc(id)}${query({ branch })}`),
  upgradeLibrary: (project: string, branch: string, id: string, version?: string) =>
    call<{ commit: string }>('POST', `${p(project)}/libraries/${enc(id)}/upgrade${query({ branch })}`, { body: version ? { version } : {} }),
  architectureAnalysis: (project: string, architecture: string, ref?: string) =>
    request<ArchAnalysis>('GET', `${p(project)}/architectures/${enc(architecture)}/analysis${query({ ref })}`),
  /** The analysis of an unsaved architecture; not tracked by the busy indicator (it runs while typing). */
  analyzeArchitecture: (project: string, architecture: unknown, onId?: (id: string | null) => void) =>
    request<ArchAnalysis>('POST', `${p(project)}/analysis/architecture`, {
      body: architecture,
      onHeaders: (h) => onId?.(h.get('X-Analysis-Id')),
    }),
  /** An edit of an architecture analysed before, as a JSON merge patch of it: the new analysis's id and what changed. */
  analyzeArchitectureChange: (project: string, analysis: string, patch: unknown) =>
    request<{ id: string | null; changes: ArchAnalysisChanges }>('PATCH', `${p(project)}/analysis/architecture/${enc(analysis)}`, { body: patch }),
  architectureCodeUrl: (project: string, architecture: string, ref?: string) =>
    `${BASE}${p(project)}/architectures/${enc(architecture)}/code${query({ ref })}`,
  architectureCode: async (project: string, architecture: string, ref?: string): Promise<string> => {
    const res = await track(fetch(`${BASE}${p(project)}/architectures/${enc(architecture)}/code${query({ ref })}`, { headers: { Accept: 'text/x-python, application/json' } }));
    if (!res.ok) throw await errorFrom(res);
    return res.text();
  },
  importArchitecture: (project: string, branch: string, body: { name?: string; source: { torchvision: string } | { code: string; factory: string }; input_shape: number[] }) =>
    call<{ id: string; commit: string }>('POST', `${p(project)}/architectures/import${query({ branch })}`, { body }),

  listArtifacts: (project: string, ref?: string, q?: string, cursor?: string | null) =>
    request<Page<ArtifactRow>>('GET', `${p(project)}/artifacts${query({ ref, q, cursor })}`),
  artifactDataUrl: (project: string, id: string, ref?: string, format?: 'original') =>
    `${BASE}${p(project)}/artifacts/${enc(id)}/data${query({ ref, format })}`,
  artifactUploadUrl: (project: string, branch: string, name: string, type: string) =>
    `${BASE}${p(project)}/branches/${enc(branch)}/artifacts${query({ name, type })}`,
  importArtifact: (project: string, branch: string, body: { name: string; type: string; key: string; storage: Record<string, Json> }) =>
    call<{ id: string; sha256: string; size: number }>('POST', `${p(project)}/branches/${enc(branch)}/artifacts/import`, { body }),
  deleteArtifact: (project: string, branch: string, id: string, data: boolean) =>
    call<{ commit: string; dataDeleted: boolean; deleted?: string; data?: string; reason?: string }>('DELETE', `${p(project)}/branches/${enc(branch)}/artifacts/${enc(id)}${data ? '?data=true' : ''}`),
  artifactPreview: (project: string, id: string, ref?: string) =>
    request<ArtifactPreview>('GET', `${p(project)}/artifacts/${enc(id)}/preview${query({ ref })}`),
  artifactSlice: (project: string, id: string, index: number[], ref?: string) =>
    request<ArraySlice>('GET', `${p(project)}/artifacts/${enc(id)}/preview/slice${query({ ref, index: index.join(',') })}`),
  lineage: (project: string, id: string, ref?: string) => request<Lineage>('GET', `${p(project)}/artifacts/${enc(id)}/lineage${query({ ref })}`),
  openAsPipeline: (project: string, id: string, branch: string) =>
    call<OpenedPipeline>('POST', `${p(project)}/artifacts/${enc(id)}/pipeline`, { body: { branch } }),
  reproduceArtifact: (project: string, id: string, branch: string) =>
    call<Execution>('POST', `${p(project)}/artifacts/${enc(id)}/reproduce`, { body: { branch } }),
  reproduction: (project: string, id: string, execution: string) =>
    request<Reproduction>('GET', `${p(project)}/artifacts/${enc(id)}/reproduction${query({ execution })}`),

  startSession: (project: string, body: { compute?: { adapter: string; config: Record<string, Json> }; branch?: string }) =>
    call<Session>('POST', `${p(project)}/sessions`, { body }),
  listSessions: (project: string) => request<{ items: Session[] }>('GET', `${p(project)}/sessions`),
  getSession: (session: string) => request<Session>('GET', `/sessions/${enc(session)}`),
  stopSession: (session: string) => call<void>('DELETE', `/sessions/${enc(session)}`),
  interruptSession: (session: string) => call<Session>('POST', `/sessions/${enc(session)}/interrupt`),
  restartSession: (session: string) => call<Session>('POST', `/sessions/${enc(session)}/restart`),
  shareSession: (session: string, shared: boolean) => call<Session>('PUT', `/sessions/${enc(session)}/sharing`, { body: { shared } }),
  runCell: (session: string, code: string) => call<Cell>('POST', `/sessions/${enc(session)}/cells`, { body: { code } }),
  listCells: (session: string, after?: number | null, limit?: number) =>
    request<{ items: Cell[]; next: number | null }>('GET', `/sessions/${enc(session)}/cells${query({ after, limit })}`),
  loadArtifact: (session: string, artifact: string, variable: string) =>
    call<Cell>('POST', `/sessions/${enc(session)}/artifacts`, { body: { artifact, variable } }),
  explore: (session: string, body: { expression: string; plot?: string; color?: string; columns?: string[] }) =>
    call<Cell>('POST', `/sessions/${enc(session)}/explore`, { body }),
  train: (session: string, config: TrainerConfig) =>
    call<{ training: string; cell: Cell }>('POST', `/sessions/${enc(session)}/trainings`, { body: config }),
  listTrainings: (session: string) => request<{ items: Training[] }>('GET', `/sessions/${enc(session)}/trainings`),
  saveFromSession: (session: string, body: ({ name: string; variable: string } | { name: string; training: string }) & { branch?: string }) =>
    call<SavedArtifact>('POST', `/sessions/${enc(session)}/saves`, { body }),
  trainingCatalog: () => request<TrainingCatalog>('GET', '/catalogs/training'),
};

/** A message fit for a toast, whatever was thrown. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.incident ? `${e.message} (incident ${e.incident})` : e.message;
  return e instanceof Error ? e.message : String(e);
}
