package herald.loadtest.report;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What results contain is escaped in the JSON and in the HTML report. */
class EscapingTest {

    @Test
    void shouldEscapeWhatResultsContain() {
        assertEquals("&lt;b&gt; &amp; &quot;", HtmlReport.esc("<b> & \""));
        assertEquals("{\n  \"a\": \"x\\\"y\\n\"\n}\n", Json.write(Map.of("a", "x\"y\n")));
    }
}
