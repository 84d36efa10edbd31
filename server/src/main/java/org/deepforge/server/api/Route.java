package org.deepforge.server.api;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.Optional;
import org.deepforge.server.auth.Access;

/**
 * One row of the route table: method, path, what the caller needs, the handler, and for project-level
 * access how to find the project (the {project} path parameter unless said otherwise).
 */
public record Route(HandlerType method, String path, Access access, Handler handler, ProjectOf projectOf) {
    /** Finds the project a request is about (empty: it names nothing that exists → 404). */
    @FunctionalInterface
    public interface ProjectOf {
        Optional<String> project(Context ctx) throws Exception;
    }

    public Route(HandlerType method, String path, Access access, Handler handler) {
        this(method, path, access, handler, ctx -> Optional.of(ctx.pathParam("project")));
    }
}
