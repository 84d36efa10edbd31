package org.deepforge.model;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Stable short random ids and the rules for keys that become file names. */
public final class Ids {
    private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyz23456789";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern IDENTIFIER = Pattern.compile("[\\p{L}_][\\p{L}\\p{N}_]{0,63}");

    private Ids() {}

    /** A new random id of {@code length} characters from an unambiguous alphabet. */
    public static String newId(int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    /** Whether {@code s} may be an id: 1–64 of A-Z a-z 0-9 _ -. */
    public static boolean isId(String s) {
        return s != null && ID.matcher(s).matches();
    }

    /** Whether {@code s} is a Python identifier (letters, digits, underscore; 1–64 characters). */
    public static boolean isIdentifier(String s) {
        return s != null && IDENTIFIER.matcher(s).matches();
    }
}
