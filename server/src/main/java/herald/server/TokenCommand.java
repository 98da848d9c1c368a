package herald.server;

import herald.server.auth.Tokens;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -jar herald.jar token --secret-file F --subscribe 'users/42' --publish 'news/**' --ttl 1h
 * [--subject S] [--claim herald]}: prints a signed HS256 token that a server started with the same
 * {@code --jwt-secret-file} accepts. For operators and for trying Herald out; production tokens come from the
 * application's own issuer.
 */
final class TokenCommand {
    static final Duration DEFAULT_TTL = Duration.ofHours(1);

    private TokenCommand() {
    }

    /** Runs the command; returns the exit status (0, or 2 for a usage error). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Path secretFile = null;
        List<String> subscribe = new ArrayList<>();
        List<String> publish = new ArrayList<>();
        Duration ttl = DEFAULT_TTL;
        String subject = null;
        String claim = Auth.DEFAULTS.claim();
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--help") || arg.equals("-h")) {
                    help(out);
                    return 0;
                }
                int eq = arg.indexOf('=');
                String flag = eq < 0 ? arg : arg.substring(0, eq);
                String value;
                if (eq >= 0) {
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                switch (flag) {
                    case "--secret-file" -> secretFile = Path.of(value);
                    case "--subscribe" -> subscribe.addAll(Main.list(value));
                    case "--publish" -> publish.addAll(Main.list(value));
                    case "--ttl" -> ttl = Main.duration(value);
                    case "--subject" -> subject = value;
                    case "--claim" -> claim = value;
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if (secretFile == null) {
                throw new IllegalArgumentException("--secret-file is required");
            }
            byte[] secret;
            try {
                secret = Tokens.readSecretFile(secretFile);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--secret-file: " + e.getMessage(), e);
            }
            out.println(Tokens.mintHs256(secret, subject, subscribe, publish, ttl, InstantSource.system(), claim));
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("herald token: " + e.getMessage());
            err.println("herald token: see token --help");
            return 2;
        }
    }

    private static void help(PrintStream out) {
        out.println("""
                Usage: java -jar herald-server-<version>-all.jar token --secret-file PATH [options]

                Prints a signed HS256 token (JWT) that Herald started with --jwt-secret-file PATH accepts.

                  --secret-file PATH      the HS256 secret, as --jwt-secret-file reads it (at least 32 bytes)
                  --subscribe PATTERN,... topic patterns it may subscribe to (users/42, dashboard/*, orders/**);
                                          repeatable
                  --publish PATTERN,...   topic patterns it may publish to and delete; repeatable
                  --ttl DURATION          how long it is valid: 500ms, 30s, 15m, 1h (default 1h)
                  --subject S             its sub (the principal hooks and handlers see); none by default
                  --claim NAME            the claim object's name, as --jwt-claim (default herald)

                Example:
                  head -c 32 /dev/urandom | base64 > secret
                  java -jar herald.jar token --secret-file secret --subscribe 'users/42' --publish 'news/**' --ttl 1h""");
    }
}
