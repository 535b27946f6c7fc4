package striate.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tokens of a raw RFC-822 message for the spam classifiers, the same for training, export and {@code classify}:
 * <ol>
 * <li>Headers (up to the first blank line, folded lines joined): only the Subject's words are kept, and come first;
 * every other header (From, To, Received, Return-Path, Message-ID, Date, routing and MIME headers) is dropped.</li>
 * <li>Body: when the message declares {@code quoted-printable} anywhere, soft line breaks ({@code =} at a line's
 * end) are joined and {@code =XX} escapes decoded; MIME boundary lines ({@code --} and 10 or more non-blank
 * characters), part headers ({@code Content-*:}) and base64 lines (40 or more base64 characters, no blank) are
 * dropped.</li>
 * <li>HTML: comments, {@code <style>} and {@code <script>} blocks and tags are removed (a tag's URLs are kept as
 * {@code <url>} markers), entities decoded ({@code &#NN;}, {@code &amp;}, {@code &lt;}, {@code &gt;},
 * {@code &quot;}; others become a blank).</li>
 * <li>Markers: URLs ({@code http://}, {@code https://}, {@code ftp://}, {@code www.}) become {@link #URL}, e-mail
 * addresses {@link #EMAIL}, numbers (digits with {@code .}/{@code ,} groups) {@link #NUMBER}.</li>
 * <li>Lowercase (Locale.ROOT); tokens are words (a letter, then letters, digits or {@code '}), the
 * markers, and {@code !} and {@code $} each on their own; other punctuation is dropped.</li>
 * <li>Only the first {@code maxTokens} tokens are kept.</li>
 * </ol>
 */
public final class EmailTokenizer {
    public static final String URL = "<url>";
    public static final String EMAIL = "<email>";
    public static final String NUMBER = "<num>";
    /** The default {@code --max-tokens}. */
    public static final int DEFAULT_MAX_TOKENS = 400;

    // Markers while the text is still HTML: private-use characters, so tag stripping cannot split them.
    private static final String URL_MARK = " \uE000 ";
    private static final String EMAIL_MARK = " \uE001 ";
    private static final String NUMBER_MARK = " \uE002 ";
    private static final Pattern SOFT_BREAK = Pattern.compile("=\r?\n");
    private static final Pattern QP_ESCAPE = Pattern.compile("=([0-9A-Fa-f]{2})");
    private static final Pattern BOUNDARY = Pattern.compile("^--\\S{10,}$");
    private static final Pattern PART_HEADER = Pattern.compile("^(?i)content-[a-z-]+:.*$");
    private static final Pattern BASE64 = Pattern.compile("^[A-Za-z0-9+/]{40,}={0,2}$");
    private static final Pattern URL_PATTERN = Pattern.compile("(?i)\\b(?:https?://|ftp://|www\\.)[^\\s<>\"']+");
    private static final Pattern EMAIL_PATTERN = Pattern.compile("[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+");
    private static final Pattern COMMENT = Pattern.compile("(?s)<!--.*?-->");
    private static final Pattern BLOCK = Pattern.compile("(?is)<(style|script)\\b.*?</\\1\\s*>");
    private static final Pattern TAG = Pattern.compile("<[!/?]?[A-Za-z][^<>]*>");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z]{2,8});");
    private static final Pattern NUMBER_PATTERN = Pattern.compile("(?<![\\p{L}\\p{N}_'])\\d+(?:[.,]\\d+)*(?![\\p{L}\\p{N}_])");
    private static final Pattern TOKEN = Pattern.compile("[\\p{L}][\\p{L}\\p{N}']*|[\uE000\uE001\uE002!$]");

    private final int maxTokens;

    public EmailTokenizer(int maxTokens) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("--max-tokens must be at least 1, got " + maxTokens);
        }
        this.maxTokens = maxTokens;
    }

    public int maxTokens() {
        return maxTokens;
    }

    /** The message's tokens, at most {@link #maxTokens}. */
    public List<String> tokens(String message) {
        List<String> out = new ArrayList<>();
        String text = message.replace("\r\n", "\n");
        int end = text.indexOf("\n\n");
        String headers = end < 0 ? text : text.substring(0, end);
        String body = end < 0 ? "" : text.substring(end + 2);
        String subject = subject(headers);
        add(normalize(subject), out);
        if (text.toLowerCase(Locale.ROOT).contains("quoted-printable")) {
            body = decodeQuotedPrintable(body);
        }
        add(normalize(dropMimeLines(body)), out);
        return out;
    }

    /** The Subject header's value (folded lines joined), or "" when there is none. */
    static String subject(String headers) {
        String unfolded = headers.replaceAll("\n[ \t]+", " ");
        for (String line : unfolded.split("\n")) {
            if (line.regionMatches(true, 0, "subject:", 0, 8)) {
                return line.substring(8);
            }
        }
        return "";
    }

    static String decodeQuotedPrintable(String body) {
        String joined = SOFT_BREAK.matcher(body).replaceAll("");
        return QP_ESCAPE.matcher(joined).replaceAll(m -> Matcher.quoteReplacement(
                String.valueOf((char) Integer.parseInt(m.group(1), 16))));
    }

    private static String dropMimeLines(String body) {
        StringBuilder kept = new StringBuilder(body.length());
        for (String line : body.split("\n")) {
            String t = line.strip();
            if (!BOUNDARY.matcher(t).matches() && !PART_HEADER.matcher(t).matches() && !BASE64.matcher(t).matches()) {
                kept.append(line).append('\n');
            }
        }
        return kept.toString();
    }

    /** Markers in, HTML out, entities decoded, numbers marked. */
    static String normalize(String text) {
        String s = URL_PATTERN.matcher(text).replaceAll(URL_MARK);
        s = EMAIL_PATTERN.matcher(s).replaceAll(EMAIL_MARK);
        s = COMMENT.matcher(s).replaceAll(" ");
        s = BLOCK.matcher(s).replaceAll(" ");
        s = TAG.matcher(s).replaceAll(m -> m.group().contains("\uE000") ? URL_MARK : " ");
        s = ENTITY.matcher(s).replaceAll(m -> Matcher.quoteReplacement(entity(m.group(1))));
        return NUMBER_PATTERN.matcher(s).replaceAll(NUMBER_MARK);
    }

    private static String entity(String name) {
        if (name.startsWith("#x") || name.startsWith("#X")) {
            return codePoint(Integer.parseInt(name.substring(2), 16));
        }
        if (name.startsWith("#")) {
            return codePoint(Integer.parseInt(name.substring(1)));
        }
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "amp" -> "&";
            case "lt" -> "<";
            case "gt" -> ">";
            case "quot" -> "\"";
            default -> " ";
        };
    }

    private static String codePoint(int cp) {
        return Character.isValidCodePoint(cp) && cp != 0 ? Character.toString(cp) : " ";
    }

    private void add(String text, List<String> out) {
        Matcher m = TOKEN.matcher(text.toLowerCase(Locale.ROOT));
        while (out.size() < maxTokens && m.find()) {
            String t = m.group();
            out.add(switch (t) {
                case "\uE000" -> URL;
                case "\uE001" -> EMAIL;
                case "\uE002" -> NUMBER;
                default -> t;
            });
        }
    }
}
