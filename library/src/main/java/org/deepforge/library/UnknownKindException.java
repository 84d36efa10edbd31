package org.deepforge.library;

/** An architecture of a kind that no installed library provides (answered 422, naming the kind). */
public class UnknownKindException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UnknownKindException(String message) {
        super(message);
    }
}
