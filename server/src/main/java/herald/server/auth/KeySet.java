package herald.server.auth;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An immutable set of keys: by {@code kid}, and those without one. */
final class KeySet {
    static final KeySet EMPTY = new KeySet(List.of());

    private final Map<String, VerificationKey> byKid;
    private final List<VerificationKey> withoutKid;

    /** @throws IllegalArgumentException two keys with one {@code kid} */
    KeySet(List<VerificationKey> keys) {
        Map<String, VerificationKey> map = new HashMap<>();
        for (VerificationKey key : keys) {
            if (key.kid() != null && map.putIfAbsent(key.kid(), key) != null) {
                throw new IllegalArgumentException(key.source() + ": an earlier key has the same kid");
            }
        }
        this.byKid = Map.copyOf(map);
        this.withoutKid = keys.stream().filter(k -> k.kid() == null).toList();
    }

    VerificationKey byKid(String kid) {
        return byKid.get(kid);
    }

    List<VerificationKey> withoutKid() {
        return withoutKid;
    }

    int size() {
        return byKid.size() + withoutKid.size();
    }
}
