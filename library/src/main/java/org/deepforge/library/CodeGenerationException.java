package org.deepforge.library;

/** An architecture that cannot become code, with a message that says which layer to fix. */
public class CodeGenerationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public CodeGenerationException(String message) {
        super(message);
    }
}
