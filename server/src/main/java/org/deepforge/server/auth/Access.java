package org.deepforge.server.auth;

/** What a route requires of the caller; project levels apply to the route's {project} parameter. */
public enum Access {
    /** Anyone, signed in or not (health checks). */
    PUBLIC,
    /** Any signed-in user. */
    USER,
    /** A server administrator (accounts mode; the local user in local mode). */
    ADMIN,
    PROJECT_READ,
    PROJECT_WRITE,
    PROJECT_OWNER,
    /**
     * The interactive session named by the route's {session} parameter: its owner, or a writer of its project when the
     * owner shares it; everyone else gets the 404 of a session that does not exist (docs/sessions.md).
     */
    SESSION;

    public Role role() {
        return switch (this) {
            case PROJECT_READ -> Role.READER;
            case PROJECT_WRITE -> Role.WRITER;
            case PROJECT_OWNER -> Role.OWNER;
            default -> throw new IllegalStateException(this + " is not a project access level");
        };
    }
}
