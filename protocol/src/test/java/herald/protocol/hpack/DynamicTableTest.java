package herald.protocol.hpack;

import static herald.protocol.hpack.Blocks.entries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 7541 §4: sizes, eviction from the oldest end, an entry exactly the capacity, growth of the ring. */
final class DynamicTableTest {

    @Test
    void shouldCountThirtyTwoOctetsPerEntryAndEvictTheOldestFirst() {
        DynamicTable table = new DynamicTable(100);
        table.add("a", "1", (byte) 0);                    // 34
        table.add("b", "22", (byte) 0);                   // 35
        assertEquals(69, table.size());
        table.add("c", "333", (byte) 0);                  // 36: 105 > 100, so a goes
        assertEquals(List.of("c: 333", "b: 22"), entries(table));
        assertEquals(71, table.size());
    }

    @Test
    void shouldAddAnEntryExactlyTheCapacityAndClearForOneLarger() {
        DynamicTable table = new DynamicTable(100);
        table.add("a", "1", (byte) 0);
        table.add("x", "v".repeat(67), (byte) 0);         // 1 + 67 + 32 = 100
        assertEquals(List.of("x: " + "v".repeat(67)), entries(table));
        assertEquals(100, table.size());
        table.add("y", "v".repeat(68), (byte) 0);         // 101: empties the table, not added
        assertEquals(List.of(), entries(table));
        assertEquals(0, table.size());
    }

    @Test
    void shouldKeepOrderAcrossRingGrowthAndWrapAround() {
        DynamicTable table = new DynamicTable(40 * 35);               // 40 entries of 2 + 1 + 32
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {                   // wraps the ring and grows it past 8, 16, 32 slots
            String name = "n" + (char) ('a' + i % 26);
            table.add(name, "" + (i % 10), (byte) (i % 7));
            expected.add(0, name + ": " + (i % 10));
            if (expected.size() > 40) {
                expected.remove(40);
            }
            assertEquals(expected, entries(table), "after " + i);
            assertEquals((byte) (i % 7), table.flags(0));
        }
        assertEquals(40 * 35, table.size());
    }

    @Test
    void shouldRefuseAnIndexOutsideTheEntries() {
        DynamicTable table = new DynamicTable(100);
        table.add("a", "1", (byte) 0);
        assertEquals("a", table.name(0));
        assertThrows(IndexOutOfBoundsException.class, () -> table.name(1));
        assertThrows(IndexOutOfBoundsException.class, () -> table.value(-1));
    }

    @Test
    void shouldEvictToANewCapacity() {
        DynamicTable table = new DynamicTable(200);
        table.add("a", "1", (byte) 0);
        table.add("b", "2", (byte) 0);
        table.capacity(34);
        assertEquals(List.of("b: 2"), entries(table));
        table.capacity(0);
        assertEquals(0, table.length());
        assertEquals(0, table.capacity());
    }
}
