package herald.protocol.hpack;

/**
 * The dynamic table of RFC 7541 §2.3.2 and §4: a FIFO of fields, newest first, whose size (the sum of name octets +
 * value octets + 32 per entry, §4.1) never exceeds its capacity (the current maximum size). Adding an entry evicts
 * from the oldest end until it fits; an entry larger than the capacity empties the table and is not added (§4.4).
 *
 * <p>A ring of parallel arrays that grows to the most entries the capacity allows (capacity / 32); strings are
 * ISO-8859-1, so octets = chars. Each entry carries a small flag word the decoder uses to remember whether the field
 * was valid HTTP/2. Single-threaded.
 */
final class DynamicTable {
    /** RFC 7541 §4.1: the overhead counted for every entry. */
    static final int ENTRY_OVERHEAD = 32;

    private String[] names = new String[8];
    private String[] values = new String[8];
    private byte[] flags = new byte[8];
    private int head;           // slot of the next insertion; the newest entry is at head - 1
    private int length;
    private int size;
    private int capacity;

    DynamicTable(int capacity) {
        this.capacity = capacity;
    }

    /** Entries in the table. */
    int length() {
        return length;
    }

    /** Current size in octets (§4.1). */
    int size() {
        return size;
    }

    /** Current maximum size in octets. */
    int capacity() {
        return capacity;
    }

    /** @param i 0 for the newest entry (HPACK index 62) to {@code length() - 1} */
    String name(int i) {
        return names[slot(i)];
    }

    String value(int i) {
        return values[slot(i)];
    }

    byte flags(int i) {
        return flags[slot(i)];
    }

    /** Changes the maximum size, evicting the oldest entries until the size fits (§4.3). */
    void capacity(int newCapacity) {
        capacity = newCapacity;
        evictTo(newCapacity);
    }

    /** Adds a field as the newest entry (§4.4). */
    void add(String name, String value, byte entryFlags) {
        long entrySize = (long) name.length() + value.length() + ENTRY_OVERHEAD;
        if (entrySize > capacity) {
            clear();
            return;
        }
        evictTo(capacity - (int) entrySize);
        if (length == names.length) {
            grow();
        }
        int mask = names.length - 1;
        names[head] = name;
        values[head] = value;
        flags[head] = entryFlags;
        head = (head + 1) & mask;
        length++;
        size += (int) entrySize;
    }

    /** Evicts every entry (what adding an entry larger than the capacity does). */
    void clear() {
        evictTo(0);
    }

    private void evictTo(int maxSize) {
        int mask = names.length - 1;
        while (size > maxSize) {
            int oldest = (head - length) & mask;
            size -= names[oldest].length() + values[oldest].length() + ENTRY_OVERHEAD;
            names[oldest] = null;                   // let the strings go
            values[oldest] = null;
            length--;
        }
    }

    private int slot(int i) {
        if (i < 0 || i >= length) {
            throw new IndexOutOfBoundsException("dynamic index=" + i + " length=" + length);
        }
        return (head - 1 - i) & (names.length - 1);
    }

    private void grow() {
        int n = names.length;
        String[] newNames = new String[2 * n];
        String[] newValues = new String[2 * n];
        byte[] newFlags = new byte[2 * n];
        for (int i = 0; i < length; i++) {          // oldest first into slots 0..length-1
            int from = (head - length + i) & (n - 1);
            newNames[i] = names[from];
            newValues[i] = values[from];
            newFlags[i] = flags[from];
        }
        names = newNames;
        values = newValues;
        flags = newFlags;
        head = length;
    }
}
