package striate.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The e-mail tokenizer on written messages: headers, quoted-printable, HTML, markers, case, truncation. */
class EmailTokenizerTest {
    private final EmailTokenizer tokenizer = new EmailTokenizer(EmailTokenizer.DEFAULT_MAX_TOKENS);

    @Test
    void keepsTheSubjectFirstAndDropsEveryOtherHeader() {
        String message = """
                From: Alice <alice@example.com>
                Received: from mail.example.com (relay [10.0.0.1])
                \tby host.example.org
                Subject: Meeting
                \tmoved to Friday
                To: bob@example.org

                See you there.
                """;
        assertEquals(List.of("meeting", "moved", "to", "friday", "see", "you", "there"), tokenizer.tokens(message));
    }

    @Test
    void decodesQuotedPrintableSoftBreaksAndEscapes() {
        String message = "Subject: hi\nContent-Transfer-Encoding: quoted-printable\n\n"
                + "Caf=E9 is open=\nnow =3D good\n";
        assertEquals(List.of("hi", "café", "is", "opennow", "good"), tokenizer.tokens(message));
    }

    @Test
    void leavesEqualsSignsAloneWithoutQuotedPrintable() {
        assertEquals(List.of("a", "e9b"), tokenizer.tokens("Subject:\n\na=E9b\n"));
    }

    @Test
    void stripsHtmlTagsCommentsBlocksAndEntitiesAndKeepsLinksAsMarkers() {
        String message = """
                Subject: Offer

                <html><head><style>p { color: red }</style><script>var x = 1;</script></head>
                <body><!-- hidden words --><p>Buy&nbsp;now &amp; save&#33;</p>
                <a href="http://cheap.example.com/x?y=1">click</a></body></html>
                """;
        assertEquals(List.of("offer", "buy", "now", "save", "!", "<url>", "click"), tokenizer.tokens(message));
    }

    @Test
    void marksUrlsEmailsAndNumbersAndLowercases() {
        String message = "Subject: WIN $1,000,000 Now\n\nWrite to Win.Big@Example.COM or see www.example.com/win "
                + "and https://x.org before 12.05; mp3 and 3com stay words.\n";
        assertEquals(List.of("win", "$", "<num>", "now", "write", "to", "<email>", "or", "see", "<url>", "and",
                "<url>", "before", "<num>", "mp3", "and", "com", "stay", "words"), tokenizer.tokens(message));
    }

    @Test
    void dropsMimeBoundariesPartHeadersAndBase64Lines() {
        String message = """
                Subject: parts
                Content-Type: multipart/mixed; boundary="----=_NextPart_000"

                ------=_NextPart_000
                Content-Type: text/plain; charset=us-ascii
                Content-Transfer-Encoding: 7bit

                Hello there
                ------=_NextPart_000
                Content-Type: application/octet-stream
                Content-Transfer-Encoding: base64

                R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw8AbWFpbA==
                ------=_NextPart_000--
                """;
        assertEquals(List.of("parts", "hello", "there"), tokenizer.tokens(message));
    }

    @Test
    void truncatesToMaxTokensKeepingTheFirst() {
        EmailTokenizer three = new EmailTokenizer(3);
        assertEquals(List.of("one", "two", "three"), three.tokens("Subject: one two\n\nthree four five\n"));
        assertEquals(List.of(), three.tokens("Subject:\n\n\n"));
        assertThrows(IllegalArgumentException.class, () -> new EmailTokenizer(0));
    }

    @Test
    void aMessageWithoutABlankLineIsAllHeaders() {
        assertEquals(List.of("only", "headers"), tokenizer.tokens("From: x@y.org\nSubject: only headers"));
    }
}
