package org.deepforge.server.api;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import org.deepforge.server.auth.Access;

/** One row of the route table: method, path, what the caller needs, and the handler. */
public record Route(HandlerType method, String path, Access access, Handler handler) {}
