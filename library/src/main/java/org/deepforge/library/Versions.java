package org.deepforge.library;

import java.util.Comparator;

/** Library versions: dotted numbers ("1", "1.2", "1.2.10"), compared part by part (missing parts are 0). */
public final class Versions {
    private Versions() {}

    public static boolean valid(String version) {
        return version != null && version.matches("\\d{1,9}(\\.\\d{1,9}){0,3}");
    }

    public static final Comparator<String> ORDER = Versions::compare;

    public static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(i < x.length ? Integer.parseInt(x[i]) : 0, i < y.length ? Integer.parseInt(y[i]) : 0);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
