package herald.server.example;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's embedding example is this module's ChatServer, which the build compiles: they must not drift. */
class ReadmeExampleTest {

    @Test
    void shouldShowTheCompiledExampleInTheReadme() throws IOException {
        Path readme = Path.of("..", "README.md");
        Path example = Path.of("src", "test", "java", "herald", "server", "example", "ChatServer.java");
        String text = Files.readString(readme);
        int section = text.indexOf("## Embed it");
        assertTrue(section >= 0, "README has an 'Embed it' section");
        int start = text.indexOf("```java\n", section) + "```java\n".length();
        int end = text.indexOf("```", start);
        String shown = text.substring(start, end);
        String source = Files.readString(example);
        String compiled = source.substring(source.indexOf("import "));     // the README leaves out the package
        assertEquals(compiled, shown);
    }
}
