package org.deepforge.server.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.deepforge.exec.session.Sessions;
import org.deepforge.exec.storage.StorageAdapter;
import org.deepforge.model.Ids;
import org.deepforge.model.domain.Artifact;
import org.deepforge.server.artifacts.ArtifactData;
import org.deepforge.server.auth.Authz;
import org.deepforge.server.http.BadRequest;
import org.deepforge.server.run.Placements;
import org.deepforge.store.ProjectStore;
import org.deepforge.store.StoreException;

/**
 * What the Workspace asks of a session, turned into cells (docs/sessions.md): console code as typed, and the
 * explorer, the trainer and loading as calls of the session's {@code df} whose arguments were checked here. Requests
 * arrive authorised (the caller may use the session); bodies arrive parsed.
 */
public final class SessionWorkspace {
    /** States in which a session runs no more cells. */
    static final Set<String> ENDED = Set.of("stopping", "stopped", "lost", "failed");

    private final Sessions sessions;
    private final ProjectStore store;
    private final Placements placements;
    private final ArtifactData data;
    private final SessionLedger ledger;
    private final Path staging;

    /** {@code staging}: where loads are copied before they move into a session's {@code inputs/} (the same file system). */
    public SessionWorkspace(Sessions sessions, ProjectStore store, Placements placements, ArtifactData data, SessionLedger ledger,
                            Path staging) {
        this.sessions = sessions;
        this.store = store;
        this.placements = placements;
        this.data = data;
        this.ledger = ledger;
        this.staging = staging;
    }

    /** What authorising a request about the session needs to know of it. */
    public static Authz.SessionGrant grant(Sessions.Info s) {
        return new Authz.SessionGrant(s.project(), s.owner(), s.shared());
    }

    /** Starts a session of {@code owner} on {@code branch} (the project's default when empty) at its head. */
    public Sessions.Info start(String project, String owner, Optional<String> branch, String adapter, JsonNode config) throws Exception {
        String name = branch.orElse(store.get(project).defaultBranch());
        String head = store.withBranchLock(project, name, h -> h);
        JsonNode model = store.model(project, head).model();
        try {
            return sessions.start(new Sessions.Start(project, owner, name, head, model, adapter, config));
        } catch (Sessions.LimitReached e) {
            throw new BadRequest(429, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        } catch (IOException e) {
            throw new BadRequest(503, "the session could not start: " + e.getMessage());
        }
    }

    /** The session, which the caller may use (the route was authorised); 404 if it vanished meanwhile. */
    public Sessions.Info session(String session) {
        return sessions.get(session).orElseThrow(() -> new BadRequest(404, "no session \"" + session + "\""));
    }

    /** The session, if it still runs cells; 409 saying so otherwise. */
    public Sessions.Info live(String session) {
        Sessions.Info info = session(session);
        if (ENDED.contains(info.state())) {
            throw new BadRequest(409, "session " + session + " is " + info.state() + (info.reason() == null ? "" : " (" + info.reason() + ")")
                    + "; start a new session");
        }
        return info;
    }

    /** Queues {@code code}; 409 when the session has ended. */
    public Sessions.Cell execute(String session, String code, String origin) {
        live(session);
        try {
            return sessions.execute(session, code, origin);
        } catch (IllegalStateException e) {
            throw new BadRequest(409, e.getMessage());
        }
    }

    /**
     * Places the artifact {@code artifact} of the session's project (as its branch has it now) in the session's inputs
     * and queues {@code df.load} binding it to {@code variable}.
     */
    public Sessions.Cell load(String session, String user, String artifact, String variable) throws Exception {
        Sessions.Info info = live(session);
        JsonNode model = store.model(info.project(), info.branch()).model();
        Artifact a = Artifact.read(model, artifact).orElseThrow(() -> new BadRequest(404, "\"artifact\": there is no artifact \""
                + artifact + "\" on branch " + info.branch() + " of this project"));
        if (!data.readable(info.project(), a.data().record())) {
            throw StoreException.notFound("the data of artifact \"" + a.name() + "\" is not available on this server: this project does not own it");
        }
        StorageAdapter storage;
        try {
            storage = placements.storage(a.data().record(), user);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("cannot read artifact \"" + a.name() + "\": " + e.getMessage());
        }
        String directory;
        try {
            directory = SessionInputs.place(sessions.inputs(session), staging, a, storage);
        } catch (IOException e) {
            throw new BadRequest(409, "cannot load artifact \"" + a.name() + "\": " + e.getMessage());
        }
        Sessions.Cell cell = execute(session, SessionCode.load(variable, directory, a.data().sha256()), "load");
        ledger.loaded(session, new SessionLedger.Load(cell.id(), a.id(), a.name(), a.data().sha256(), variable));
        return cell;
    }

    /** Queues {@code df.explore} of a checked expression (with checked column names to scatter). */
    public Sessions.Cell explore(String session, String expression, Optional<String> plot, Optional<String> color,
                                 Optional<List<String>> columns) {
        return execute(session, SessionCode.explore(expression, plot, color, columns), "explore");
    }

    /**
     * Queues {@code df.train} with a configuration the trainer's catalog accepted, under a new training id; the
     * architecture must be one of the project's at the commit the session started from (what its directory holds).
     */
    public SessionLedger.Training train(String session, ObjectNode config) throws Exception {
        Sessions.Info info = live(session);
        String architecture = config.path("architecture").asText();
        if (!store.model(info.project(), info.commit()).model().path("architectures").has(architecture)) {
            throw new BadRequest("\"architecture\": the session's project has no architecture \"" + architecture + "\" at commit "
                    + info.commit().substring(0, Math.min(8, info.commit().length())) + " (its sessions see the architectures of the commit they started from; start a new session for newer ones)");
        }
        String id = "training-" + Ids.newId(8);
        ObjectNode withId = config.deepCopy();
        withId.put("training", id);
        Sessions.Cell cell = execute(session, SessionCode.train(withId), "train");
        SessionLedger.Training training = new SessionLedger.Training(id, cell.id(), withId);
        ledger.training(session, training);
        return training;
    }
}
