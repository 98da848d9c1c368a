package herald.server.health;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class SupervisorTest {

    @Test
    void shouldReportDegradedAfterOutOfMemoryAndCarryOn() {
        List<Throwable> fatal = new ArrayList<>();
        Supervisor supervisor = new Supervisor(fatal::add);
        assertEquals(Supervisor.State.UP, supervisor.state());
        supervisor.outOfMemory("test", new OutOfMemoryError("Java heap space"));
        assertEquals(Supervisor.State.DEGRADED, supervisor.state());
        assertEquals(List.of(), fatal, "running out of memory is survived, not fatal");
    }

    @Test
    void shouldRunTheFatalActionOnceAndStayFailed() {
        List<Throwable> fatal = new ArrayList<>();
        Supervisor supervisor = new Supervisor(fatal::add);
        InternalError first = new InternalError("first");
        supervisor.fatal("herald-accept", first);
        supervisor.fatal("herald-timer", new InternalError("second"));
        supervisor.outOfMemory("test", new OutOfMemoryError());
        assertEquals(Supervisor.State.FAILED, supervisor.state());
        assertEquals(List.of(first), fatal);
        assertSame(first, supervisor.failure());
    }

    @Test
    void shouldTreatAThrowableEscapingAThreadAsFatal() throws Exception {
        List<Throwable> fatal = new ArrayList<>();
        Supervisor supervisor = new Supervisor(fatal::add);
        Thread thread = Thread.ofPlatform().uncaughtExceptionHandler(supervisor.uncaughtHandler())
                .start(() -> {
                    throw new IllegalStateException("escaped");
                });
        thread.join();
        assertEquals(Supervisor.State.FAILED, supervisor.state());
        assertEquals("escaped", fatal.get(0).getMessage());
    }
}
