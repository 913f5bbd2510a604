package io.jetconnect.testplugin;

import io.jetconnect.spi.DecoratorTraits;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.SinkContext;
import io.jetconnect.spi.SinkDecorator;
import io.jetconnect.spi.TypeName;
import org.pf4j.Extension;

/** Pass-through decorators that only declare traits, for the composition checks. */
public final class TraitDecorators {

    private TraitDecorators() {
    }

    /** What the composition checks look at is the traits alone; the events go through as they are. */
    public abstract static class PassThrough implements SinkDecorator {
        @Override
        public EventSink decorate(SinkContext context, EventSink next) {
            return next::emit;
        }
    }

    @Extension
    @TypeName("signer")
    @DecoratorTraits(changesEvents = false, signs = true)
    public static final class Signer extends PassThrough {
    }

    @Extension
    @TypeName("redactor")
    @DecoratorTraits(redacts = true)
    public static final class Redactor extends PassThrough {
    }

    @Extension
    @TypeName("spill")
    @DecoratorTraits(changesEvents = false, persists = true)
    public static final class Spill extends PassThrough {
    }
}
