package io.jetconnect.runtime.pipeline;

import java.util.Map;

/** The runtime's cursor stores can list what they hold, for {@code GET /v1/pipelines/{name}/cursor}. */
public interface ListableCursors {

    /** @return every stored position of the pipeline, by key */
    Map<String, Long> all();
}
