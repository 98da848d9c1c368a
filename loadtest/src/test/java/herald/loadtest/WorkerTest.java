package herald.loadtest;

import herald.loadtest.client.WorkerFleet;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WorkerTest {

    @Test
    void shouldBeTheClassWorkerFleetStarts() {
        assertEquals(Worker.class.getName(), WorkerFleet.WORKER_MAIN, "WorkerFleet names it without depending on it");
    }
}
