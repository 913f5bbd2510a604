package com.example.jetconnect;

import io.jetconnect.spi.ConnectorConfig;
import io.jetconnect.spi.DecoratorTraits;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.SinkContext;
import io.jetconnect.spi.SinkDecorator;
import io.jetconnect.spi.TypeName;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.pf4j.Extension;

/**
 * The {@code enrich} decorator: adds the CloudEvents extension attributes of its {@code extensions} block to every
 * event that passes through it, then hands the copy to the next sink.
 *
 * <pre>
 * sinks = [
 *   { type = enrich, extensions { region = eu-west-1, tier = gold } }
 *   { type = webhook, url = "https://hooks.example.com/events" }
 * ]
 * </pre>
 *
 * An attribute the event already carries is kept unless {@code overwrite = true}. Settings and defaults: this
 * plugin's {@code reference.conf}.
 */
@Extension
@TypeName("enrich")
@DecoratorTraits(changesEvents = true)
public final class EnrichDecorator implements SinkDecorator {

    /** CloudEvents naming rules for attributes: lower-case ASCII letters and digits, at most 20 of them. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]{1,20}");

    /** The context attributes of CloudEvents 1.0, which are not extensions. */
    private static final Set<String> CONTEXT_ATTRIBUTES = Set.of("specversion", "id", "source", "type",
            "datacontenttype", "dataschema", "subject", "time", "data", "data_base64");

    @Override
    public EventSink decorate(SinkContext context, EventSink next) {
        ConnectorConfig config = context.config();
        return new Enrichment(extensions(config), config.getBoolean("overwrite"), next);
    }

    /** Reads and checks the {@code extensions} block; a bad name fails the pipeline's start with its origin. */
    static Map<String, String> extensions(ConnectorConfig config) {
        ConnectorConfig block = config.getConfig("extensions");
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : block.keys()) {
            if (!NAME.matcher(name).matches()) {
                throw config.invalid("extensions", "'" + name + "' is not a CloudEvents attribute name: use 1 to 20 "
                        + "lower-case letters and digits");
            }
            if (CONTEXT_ATTRIBUTES.contains(name)) {
                throw config.invalid("extensions", "'" + name + "' is a context attribute, not an extension");
            }
            out.put(name, block.getString(name));
        }
        return out;
    }
}
