package io.jetconnect.spi;

import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * A verb of {@code bin/jetconnect} provided by a plugin, such as {@code verify} from the {@code sign} plugin.
 * Its {@link TypeName} is the verb. Built-in verbs ({@code run}, {@code check}, {@code plugins}) cannot be
 * replaced.
 *
 * <p>The runtime creates one instance per invocation and calls {@link #run} once, on the main thread.
 */
public interface CliCommand extends ExtensionPoint {

    /** @return one line for {@code bin/jetconnect help}, such as {@code "verify signatures of events"} */
    String summary();

    /**
     * Runs the verb.
     *
     * @param args the arguments after the verb, minus {@code --config FILE} which the runtime consumed
     * @param context where to print and what {@code pipeline.conf} declares; never null
     * @return the process exit code: 0 for success, 1 for a negative result, 2 for a usage error
     */
    int run(List<String> args, CommandContext context);
}
