package dev.loopwatch.core;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusTest {
    @Test
    void jsonCarriesEveryCounterAndTheNumberOfTypesPerLine() {
        Map<String, List<String>> lines = new LinkedHashMap<>();
        lines.put("netty", List.of("a", "b", "c"));
        lines.put("vertx-5", List.of("d"));
        Status s = new Status(true, false, 2, 3, 9, 4, 5, 6, Map.of("x", "broken"), lines, "stderr", 7, 8, 0, Map.of());
        assertEquals("{\"running\":true,\"instrumented\":false,\"errors\":6,\"stalls\":3,\"unobserved\":9,\"reports\":4,\"dropped\":5,"
                + "\"loops\":2,\"blocking\":7,\"allowed\":8,\"slices\":0,\"sliceFallbacks\":{},\"log\":\"stderr\",\"instrumentations\":{\"netty\":3,\"vertx-5\":1}}",
                s.toJson());
    }

    @Test
    void noLogYetIsNullAndNoLinesIsAnEmptyObject() {
        Status s = new Status(false, false, 0, 0, 0, 0, 0, 0, Map.of(), Map.of(), null, 0, 0, 0, Map.of());
        assertEquals("{\"running\":false,\"instrumented\":false,\"errors\":0,\"stalls\":0,\"unobserved\":0,\"reports\":0,\"dropped\":0,"
                + "\"loops\":0,\"blocking\":0,\"allowed\":0,\"slices\":0,\"sliceFallbacks\":{},\"log\":null,\"instrumentations\":{}}", s.toJson());
    }

    @Test
    void textIsEscaped() {
        Status s = new Status(true, true, 0, 0, 0, 0, 0, 0, Map.of(), Map.of("a\"b", List.of()), "C:\\logs", 0, 0, 0, Map.of());
        String json = s.toJson();
        assertTrue(json.contains("\"log\":\"C:\\\\logs\""), json);
        assertTrue(json.contains("{\"a\\\"b\":0}"), json);
    }
}
