package org.deepforge.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.RefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;

/**
 * Serves a project's repository to git clients for clone and fetch (never push) with JGit's upload-pack, in
 * the stateless form that git's smart HTTP protocol uses, versions 0/1 and 2. Clients see the branches, the
 * default branch as HEAD and the users' tags; the tag every execution puts on the commit it ran
 * ({@code refs/tags/runs/<execution>}) is not advertised, so a clone does not carry one tag per run.
 */
public final class GitUpload {
    /** The git service this serves. */
    public static final String SERVICE = "git-upload-pack";
    /** Where executions tag the commits they ran. */
    public static final String RUN_TAGS = Constants.R_TAGS + "runs/";

    private final ProjectStore store;
    private final int timeoutSeconds;

    /** {@code timeout}: how long one read from or write to the client may stall before the transfer is abandoned. */
    public GitUpload(ProjectStore store, Duration timeout) {
        this.store = store;
        this.timeoutSeconds = (int) Math.max(1, timeout.toSeconds());
    }

    /**
     * Writes what a client reads before it asks for anything: the "# service" header and the refs (version 0),
     * or the capabilities (version 2, when {@code protocol} holds "version=2" from the Git-Protocol header).
     */
    public void advertise(String project, List<String> protocol, OutputStream out) throws IOException {
        try (UploadPack up = uploadPack(project, protocol)) {
            up.sendAdvertisedRefs(new RefAdvertiser.PacketLineOutRefAdvertiser(new PacketLineOut(out)), SERVICE);
        }
    }

    /**
     * Answers one request of a fetch: negotiation and the pack (version 0), or one command such as ls-refs or
     * fetch (version 2). Malformed requests fail with JGit's {@code PackProtocolException}.
     */
    public void upload(String project, List<String> protocol, InputStream in, OutputStream out) throws IOException {
        try (UploadPack up = uploadPack(project, protocol)) {
            up.uploadWithExceptionPropagation(in, out, null);
        }
    }

    // Pack folding (Packs.consolidate) may replace packs while a transfer reads them: no lock is taken, since
    // a slow client would then stall every writer; JGit rescans the pack directory when a pack disappears.
    private UploadPack uploadPack(String project, List<String> protocol) throws IOException {
        UploadPack up = new UploadPack(store.repo(project).repo);
        up.setBiDirectionalPipe(false);
        up.setExtraParameters(protocol);
        up.setTimeout(timeoutSeconds);
        up.setRefFilter(GitUpload::visible);
        return up;
    }

    /** HEAD, branches and tags other than run tags; nothing else the repository may hold. */
    static Map<String, Ref> visible(Map<String, Ref> refs) {
        Map<String, Ref> out = new LinkedHashMap<>();
        refs.forEach((name, ref) -> {
            boolean shown = name.equals(Constants.HEAD) || name.startsWith(Constants.R_HEADS)
                    || (name.startsWith(Constants.R_TAGS) && !name.startsWith(RUN_TAGS));
            if (shown) {
                out.put(name, ref);
            }
        });
        return out;
    }
}
