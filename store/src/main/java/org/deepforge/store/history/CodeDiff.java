package org.deepforge.store.history;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.Edit;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;

/** Line diffs of code with JGit's histogram diff (what {@code git diff} uses), as unified-diff hunks. */
public final class CodeDiff {
    /** Lines of context around each change, as in {@code git diff}. */
    public static final int CONTEXT = 3;

    /** One line of a hunk: {@code ' '} context, {@code '-'} removed, {@code '+'} added; line numbers are 1-based, 0 where absent. */
    public record Line(char type, String text, int oldNumber, int newNumber) {}

    /** A run of changes with context: {@code @@ -oldStart,oldCount +newStart,newCount @@}. */
    public record Hunk(int oldStart, int oldCount, int newStart, int newCount, List<Line> lines) {}

    /** The hunks and how many lines were added and removed. */
    public record Result(List<Hunk> hunks, int added, int removed) {
        /**
         * The REST API's form, into {@code into}: {@code added}, {@code removed} and {@code hunks}, each with
         * {@code oldStart/oldCount/newStart/newCount} and {@code lines} of {@code type} (" ", "-", "+"), {@code text} and the
         * line's {@code old}/{@code new} numbers where it has them.
         */
        public ObjectNode toJson(ObjectNode into) {
            into.put("added", added).put("removed", removed);
            ArrayNode array = into.putArray("hunks");
            for (Hunk h : hunks) {
                ObjectNode ho = array.addObject().put("oldStart", h.oldStart()).put("oldCount", h.oldCount())
                        .put("newStart", h.newStart()).put("newCount", h.newCount());
                ArrayNode lines = ho.putArray("lines");
                for (Line l : h.lines()) {
                    ObjectNode lo = lines.addObject().put("type", String.valueOf(l.type())).put("text", l.text());
                    if (l.oldNumber() > 0) {
                        lo.put("old", l.oldNumber());
                    }
                    if (l.newNumber() > 0) {
                        lo.put("new", l.newNumber());
                    }
                }
            }
            return into;
        }
    }

    private CodeDiff() {}

    public static Result of(String before, String after) {
        RawText a = new RawText(bytes(before));
        RawText b = new RawText(bytes(after));
        EditList edits = DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM)
                .diff(RawTextComparator.DEFAULT, a, b);
        int added = 0;
        int removed = 0;
        for (Edit e : edits) {
            added += e.getLengthB();
            removed += e.getLengthA();
        }
        List<Hunk> hunks = new ArrayList<>();
        int i = 0;
        while (i < edits.size()) {
            // edits closer than two contexts apart share a hunk, as in git
            int j = i;
            while (j + 1 < edits.size() && edits.get(j + 1).getBeginA() - edits.get(j).getEndA() <= 2 * CONTEXT) {
                j++;
            }
            hunks.add(hunk(a, b, edits.subList(i, j + 1)));
            i = j + 1;
        }
        return new Result(List.copyOf(hunks), added, removed);
    }

    private static Hunk hunk(RawText a, RawText b, List<Edit> edits) {
        Edit first = edits.get(0);
        Edit last = edits.get(edits.size() - 1);
        int aStart = Math.max(0, first.getBeginA() - CONTEXT);
        int bStart = Math.max(0, first.getBeginB() - CONTEXT);
        int aEnd = Math.min(a.size(), last.getEndA() + CONTEXT);
        int bEnd = Math.min(b.size(), last.getEndB() + CONTEXT);
        List<Line> lines = new ArrayList<>();
        int ai = aStart;
        int bi = bStart;
        for (Edit e : edits) {
            while (ai < e.getBeginA()) {
                lines.add(new Line(' ', a.getString(ai), ai + 1, bi + 1));
                ai++;
                bi++;
            }
            for (; ai < e.getEndA(); ai++) {
                lines.add(new Line('-', a.getString(ai), ai + 1, 0));
            }
            for (; bi < e.getEndB(); bi++) {
                lines.add(new Line('+', b.getString(bi), 0, bi + 1));
            }
        }
        while (ai < aEnd && bi < bEnd) {
            lines.add(new Line(' ', a.getString(ai), ai + 1, bi + 1));
            ai++;
            bi++;
        }
        return new Hunk(aStart + 1, aEnd - aStart, bStart + 1, bEnd - bStart, List.copyOf(lines));
    }

    private static byte[] bytes(String s) {
        return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    }
}
