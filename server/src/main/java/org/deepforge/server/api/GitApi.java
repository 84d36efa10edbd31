package org.deepforge.server.api;

import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.deepforge.server.http.BadRequest;
import org.deepforge.store.GitUpload;
import org.eclipse.jgit.errors.PackProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * git's smart HTTP protocol for clone and fetch ({@code git clone http://host:port/git/<project>}): the
 * translation between HTTP and {@link GitUpload}. Projects are read-only over git: a push is refused with a
 * message git shows its user (docs/versioning.md, "Clone over git").
 */
public final class GitApi {
    private static final Logger LOG = LoggerFactory.getLogger(GitApi.class);
    /** Where git's routes live; their credentials may come as HTTP Basic (user name and API token). */
    public static final String PREFIX = "/git/";
    static final String RECEIVE = "git-receive-pack";
    static final String READ_ONLY = "DeepForge projects are read-only over git: change them in DeepForge or through the "
            + "REST API (docs/versioning.md)";
    /** A fetch request is want/have lines (~50 bytes each): far below this even for long histories. */
    static final int MAX_REQUEST = 4 * 1024 * 1024;
    private static final int MAX_PROTOCOL_HEADER = 256;
    private static final Pattern HEX4 = Pattern.compile("[0-9a-fA-F]{4}");

    private final GitUpload upload;
    /** Packing is CPU work: beyond this many transfers at once, clients are asked to come back. */
    private final Semaphore transfers;

    public GitApi(GitUpload upload, int maxTransfers) {
        this.upload = upload;
        this.transfers = new Semaphore(maxTransfers);
    }

    /** The project a git URL names: its id, as in the REST API, with git's customary ".git" suffix allowed. */
    public static Optional<String> project(Context ctx) {
        String p = ctx.pathParam("project");
        return Optional.of(p.endsWith(".git") ? p.substring(0, p.length() - 4) : p);
    }

    /** GET info/refs?service=git-upload-pack: what the repository offers. */
    public void infoRefs(Context ctx) throws Exception {
        String service = ctx.queryParam("service");
        if (RECEIVE.equals(service)) {
            refusePush(ctx);
            return;
        }
        if (service == null) {
            throw new BadRequest("DeepForge speaks git's smart HTTP protocol only: use git 1.6.6 or later, which asks for "
                    + "info/refs?service=" + GitUpload.SERVICE);
        }
        if (!service.equals(GitUpload.SERVICE)) {
            throw new BadRequest("unknown git service \"" + service + "\"; DeepForge serves " + GitUpload.SERVICE + " (clone and fetch)");
        }
        String project = project(ctx).orElseThrow();
        List<String> protocol = protocol(ctx);
        upload.advertise(project, protocol, new LazyResponse(ctx, "application/x-" + GitUpload.SERVICE + "-advertisement"));
    }

    /** POST git-upload-pack: one round of a fetch; git-receive-pack (a push) is refused. */
    public void service(Context ctx) throws Exception {
        String service = ctx.pathParam("service");
        if (service.equals(RECEIVE)) {
            refusePush(ctx);
            return;
        }
        if (!service.equals(GitUpload.SERVICE)) {
            throw new BadRequest(404, "no git service \"" + service + "\"; DeepForge serves " + GitUpload.SERVICE + " (clone and fetch)");
        }
        String type = ctx.contentType();
        String expected = "application/x-" + GitUpload.SERVICE + "-request";
        if (type == null || !type.equalsIgnoreCase(expected)) {
            throw new BadRequest(415, "send the request as " + expected + " (git does this itself)");
        }
        String project = project(ctx).orElseThrow();
        List<String> protocol = protocol(ctx);
        if (!transfers.tryAcquire()) {
            throw new BadRequest(429, "the server is busy with other git transfers; try again in a minute");
        }
        LazyResponse out = new LazyResponse(ctx, "application/x-" + GitUpload.SERVICE + "-result");
        try {
            upload.upload(project, protocol, new ByteArrayInputStream(request(ctx)), out);
        } catch (PackProtocolException e) {
            if (!out.started()) {
                throw new BadRequest("not a git fetch request: " + e.getMessage());
            }
            LOG.debug("git fetch of {} broken off: {}", project, e.toString());
        } catch (IOException e) {
            if (!out.started()) {
                throw e;
            }
            // the answer is under way: all the client can still learn is that it broke off
            LOG.debug("git fetch of {} broken off: {}", project, e.toString());
        } finally {
            transfers.release();
        }
    }

    /**
     * The whole request, read before JGit sees it: a limit exceeded is then a 413, not a broken-off answer, and a
     * slow client cannot hold a half-negotiated fetch open. Memory is bounded by the limit times the transfers.
     */
    private static byte[] request(Context ctx) throws IOException {
        byte[] request;
        try (InputStream in = body(ctx)) {
            request = in.readNBytes(MAX_REQUEST + 1);
        } catch (ZipException | EOFException e) {
            throw new BadRequest("the request body is not valid gzip (Content-Encoding: gzip): " + e.getMessage());
        }
        if (request.length > MAX_REQUEST) {
            throw new BadRequest(413, "a git fetch request may be at most " + MAX_REQUEST + " bytes (after gzip is undone)");
        }
        if (request.length < 4 || !HEX4.matcher(new String(request, 0, 4, StandardCharsets.ISO_8859_1)).matches()) {
            // JGit would answer such a body with an empty 200
            throw new BadRequest("not a git fetch request: a request is a sequence of pkt-lines, each beginning with its length "
                    + "in 4 hex digits");
        }
        return request;
    }

    /** git prints a text/plain error body to its user as "remote: …"; a JSON one it would not show. */
    private static void refusePush(Context ctx) {
        ctx.status(403).contentType("text/plain; charset=utf-8").result(READ_ONLY + "\n");
    }

    /** The Git-Protocol header's parameters ("version=2"), which select the protocol version. */
    private static List<String> protocol(Context ctx) {
        String header = ctx.header("Git-Protocol");
        if (header == null || header.isBlank()) {
            return List.of();
        }
        if (header.length() > MAX_PROTOCOL_HEADER) {
            throw new BadRequest("the Git-Protocol header is " + header.length() + " characters long; use at most " + MAX_PROTOCOL_HEADER);
        }
        return Arrays.stream(header.split(":")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static InputStream body(Context ctx) throws IOException {
        String encoding = ctx.header("Content-Encoding");
        InputStream in = ctx.req().getInputStream();
        if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity")) {
            return in;
        }
        if (encoding.equalsIgnoreCase("gzip") || encoding.equalsIgnoreCase("x-gzip")) {
            return new GZIPInputStream(in);
        }
        throw new BadRequest(415, "Content-Encoding \"" + encoding + "\" is not supported; send gzip or nothing");
    }

    private static OutputStream response(Context ctx, String type) throws IOException {
        noCache(ctx);
        ctx.status(200).contentType(type);
        return ctx.res().getOutputStream();
    }

    private static void noCache(Context ctx) {
        ctx.header("Cache-Control", "no-cache, max-age=0, must-revalidate");
        ctx.header("Expires", "Fri, 01 Jan 1980 00:00:00 GMT");
        ctx.header("Pragma", "no-cache");
    }

    /** The response body, begun only at the first byte: until then a refusal can still be an HTTP error. */
    private static final class LazyResponse extends OutputStream {
        private final Context ctx;
        private final String type;
        private OutputStream out;

        LazyResponse(Context ctx, String type) {
            this.ctx = ctx;
            this.type = type;
        }

        boolean started() {
            return out != null;
        }

        private OutputStream out() throws IOException {
            if (out == null) {
                out = response(ctx, type);
            }
            return out;
        }

        @Override
        public void write(int b) throws IOException {
            out().write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out().write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            if (out != null) {
                out.flush();
            }
        }
    }
}
