package org.deepforge.server.auth;

import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/** Password hashing with Argon2id (memory-hard), through Spring Security's maintained encoder. */
public final class Passwords {
    public static final int MIN_LENGTH = 10;
    public static final int MAX_LENGTH = 256;

    private final Argon2PasswordEncoder encoder = Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();
    /**
     * Compared against when a user does not exist, so that a wrong name costs as long as a wrong password; hashed on
     * first use, not at every server start (a server without accounts never needs it).
     */
    private volatile String dummy;

    public String hash(String password) {
        return encoder.encode(password);
    }

    public boolean matches(String password, String hash) {
        if (hash == null) {
            encoder.matches(password, dummy());
            return false;
        }
        return encoder.matches(password, hash);
    }

    private String dummy() {
        String d = dummy;
        if (d == null) {
            synchronized (this) {
                d = dummy;
                if (d == null) {
                    d = encoder.encode("not a real password, only for timing");
                    dummy = d;
                }
            }
        }
        return d;
    }

    /** Why a new password is not acceptable, or null. */
    public static String weakness(String password) {
        if (password.length() < MIN_LENGTH) {
            return "the password must have at least " + MIN_LENGTH + " characters";
        }
        if (password.length() > MAX_LENGTH) {
            return "the password may have at most " + MAX_LENGTH + " characters";
        }
        if (password.isBlank()) {
            return "the password must not be only spaces";
        }
        return null;
    }
}
