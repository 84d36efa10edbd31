package org.deepforge.library;

/**
 * How the server finds libraries on its class path: {@code META-INF/services/org.deepforge.library.LibraryProvider}
 * (java.util.ServiceLoader), in the server's own jars or in a library directory's {@code lib/*.jar}.
 */
public interface LibraryProvider {
    Library create(LibraryContext context);
}
