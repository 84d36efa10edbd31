package org.deepforge.server.preview;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The file name an artifact downloads as: its name, made safe, with the extension its type implies ({@code .pt} for models
 * and tensors, {@code .npy} for numpy arrays, {@code .pkl} for pickles; a {@code file} by its first bytes: {@code .png},
 * {@code .jpg}, {@code .fits}, {@code .json}, {@code .txt}, …). Only bytes are looked at, nothing is decoded.
 */
public final class DownloadNames {
    /** How many leading bytes {@link #fileName} wants for a {@code file} artifact. */
    public static final int HEAD = 4096;

    private DownloadNames() {}

    /** {@code name} with the extension of {@code type} (and, for a {@code file}, of its first bytes {@code head}). */
    public static String fileName(String name, String type, byte[] head) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]+", "_");
        if (safe.isEmpty() || safe.equals(".") || safe.equals("..")) {
            safe = "artifact";
        }
        String ext = switch (type) {
            case "torch.nn.Module", "torch.Tensor" -> ".pt";
            case "numpy.ndarray" -> ".npy";
            case "pickle" -> ".pkl";
            case "file" -> sniff(head);
            default -> "";
        };
        if (ext.isEmpty() || safe.toLowerCase(Locale.ROOT).endsWith(ext) || (ext.equals(".jpg") && safe.toLowerCase(Locale.ROOT).endsWith(".jpeg"))) {
            return safe;
        }
        if (type.equals("file") && safe.matches(".*\\.[A-Za-z0-9]{1,5}")) {
            return safe; // the user named it with an extension already (e.g. table.csv)
        }
        return safe + ext;
    }

    /** The extension that a file's first bytes imply, "" if nothing does. */
    static String sniff(byte[] head) {
        if (startsWith(head, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})) {
            return ".png";
        }
        if (startsWith(head, new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff})) {
            return ".jpg";
        }
        if (startsWith(head, "GIF8".getBytes(StandardCharsets.US_ASCII))) {
            return ".gif";
        }
        if (startsWith(head, "SIMPLE  =".getBytes(StandardCharsets.US_ASCII))) {
            return ".fits";
        }
        if (startsWith(head, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'})) {
            return ".npy";
        }
        if (startsWith(head, "%PDF".getBytes(StandardCharsets.US_ASCII))) {
            return ".pdf";
        }
        if (startsWith(head, new byte[] {'P', 'K', 3, 4})) {
            return ".zip";
        }
        if (startsWith(head, new byte[] {(byte) 0x80}) && head.length > 1 && head[1] >= 2 && head[1] <= 5) {
            return ".pkl"; // pickle protocol 2–5
        }
        String text = text(head);
        if (text == null || head.length == 0) {
            return "";
        }
        String t = text.stripLeading();
        return t.startsWith("{") || t.startsWith("[") ? ".json" : ".txt";
    }

    private static String text(byte[] head) {
        for (byte b : head) {
            if (b == 0) {
                return null;
            }
        }
        // a multi-byte character cut at the end of the head is still text
        for (int cut = 0; cut < 4 && cut <= head.length; cut++) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(Arrays.copyOf(head, head.length - cut))).toString();
            } catch (CharacterCodingException e) {
                // try a shorter head
            }
        }
        return null;
    }

    private static boolean startsWith(byte[] head, byte[] prefix) {
        return head.length >= prefix.length && Arrays.equals(head, 0, prefix.length, prefix, 0, prefix.length);
    }
}
