package herald.protocol.http2;

/**
 * Active streams by id: an open-addressing table with linear probing and backward-shift deletion, so lookups
 * of a frame's stream box nothing. Grows at half full. One thread.
 */
final class StreamTable {
    private Http2Stream[] slots = new Http2Stream[16];
    private int size;

    int size() {
        return size;
    }

    Http2Stream get(int id) {
        Http2Stream[] s = slots;
        int mask = s.length - 1;
        for (int i = hash(id) & mask; ; i = (i + 1) & mask) {
            Http2Stream stream = s[i];
            if (stream == null || stream.id == id) {
                return stream;
            }
        }
    }

    void put(Http2Stream stream) {
        if ((size + 1) * 2 > slots.length) {
            grow();
        }
        insert(slots, stream);
        size++;
    }

    void remove(int id) {
        Http2Stream[] s = slots;
        int mask = s.length - 1;
        int i = hash(id) & mask;
        while (s[i] != null && s[i].id != id) {
            i = (i + 1) & mask;
        }
        if (s[i] == null) {
            return;
        }
        s[i] = null;
        size--;
        for (int j = (i + 1) & mask; s[j] != null; j = (j + 1) & mask) {   // shift back what probed past i
            Http2Stream moved = s[j];
            int home = hash(moved.id) & mask;
            if (((j - home) & mask) >= ((j - i) & mask)) {
                s[i] = moved;
                s[j] = null;
                i = j;
            }
        }
    }

    /** Slots to scan with {@link #at} (some empty). */
    int capacity() {
        return slots.length;
    }

    /** The stream in slot {@code index}, or null. */
    Http2Stream at(int index) {
        return slots[index];
    }

    private void grow() {
        Http2Stream[] bigger = new Http2Stream[slots.length * 2];
        for (Http2Stream stream : slots) {
            if (stream != null) {
                insert(bigger, stream);
            }
        }
        slots = bigger;
    }

    private static void insert(Http2Stream[] s, Http2Stream stream) {
        int mask = s.length - 1;
        int i = hash(stream.id) & mask;
        while (s[i] != null) {
            i = (i + 1) & mask;
        }
        s[i] = stream;
    }

    private static int hash(int id) {
        return (id >>> 1) * 0x9E37_79B9 >>> 7;       // client ids are odd: drop the constant bit, then mix
    }
}
