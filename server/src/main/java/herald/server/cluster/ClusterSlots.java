package herald.server.cluster;

import java.nio.charset.StandardCharsets;

/**
 * Redis Cluster's key to slot mapping (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/,
 * "Key distribution model"): {@code HASH_SLOT = CRC16(key) mod 16384}, where CRC16 is the XMODEM variant
 * (polynomial 0x1021, initial value 0, no reflection; {@code CRC16("123456789") = 0x31C3}), and only the hash tag
 * is hashed when the key has one: the bytes between the first {@code {} and the first {@code }} after it, when
 * that is not empty.
 *
 * <p>Herald's keys are {@code <prefix>{<topic>}…}, so every key of a topic is in the topic's slot and Redis
 * Cluster can spread topics across masters. Today the client talks to one Redis; slot routing and
 * {@code MOVED}/{@code ASK} redirects are the next step (see the module README).
 */
public final class ClusterSlots {
    public static final int SLOTS = 16_384;
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? crc << 1 ^ 0x1021 : crc << 1;
            }
            TABLE[i] = crc & 0xffff;
        }
    }

    private ClusterSlots() {
    }

    public static int crc16(byte[] bytes, int offset, int length) {
        int crc = 0;
        for (int i = offset; i < offset + length; i++) {
            crc = (crc << 8 ^ TABLE[(crc >>> 8 ^ bytes[i]) & 0xff]) & 0xffff;
        }
        return crc;
    }

    /** The slot of {@code key}, honouring its hash tag. */
    public static int slot(byte[] key) {
        int open = -1;
        for (int i = 0; i < key.length; i++) {
            if (key[i] == '{') {
                open = i;
                break;
            }
        }
        if (open >= 0) {
            for (int close = open + 1; close < key.length; close++) {
                if (key[close] == '}') {
                    if (close > open + 1) {        // "{}" is no tag: the whole key is hashed
                        return crc16(key, open + 1, close - open - 1) & (SLOTS - 1);
                    }
                    break;
                }
            }
        }
        return crc16(key, 0, key.length) & (SLOTS - 1);
    }

    public static int slot(String key) {
        return slot(key.getBytes(StandardCharsets.UTF_8));
    }
}
