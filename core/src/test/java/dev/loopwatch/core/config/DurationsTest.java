package dev.loopwatch.core.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurationsTest {
    @Test
    void parsesEveryUnit() {
        assertEquals(500, Durations.parseNanos("500ns"));
        assertEquals(250_000, Durations.parseNanos("250us"));
        assertEquals(50_000_000, Durations.parseNanos("50ms"));
        assertEquals(1_500_000_000, Durations.parseNanos("1.5s"));
        assertEquals(60_000_000_000L, Durations.parseNanos("1m"));
        assertEquals(2_000_000_000, Durations.parseNanos(" 2S "));
    }

    @Test
    void rejectsWhatIsNotADuration() {
        for (String bad : new String[] {"", "ms", "50", "50 ms", "-5ms", "0ms", "5h", "1.2.3ms", "abc"}) {
            assertThrows(IllegalArgumentException.class, () -> Durations.parseNanos(bad), bad);
        }
    }

    @Test
    void formatsForPeople() {
        assertEquals("52 ms", Durations.format(52_400_000));
        assertEquals("2.1 ms", Durations.format(2_100_000));
        assertEquals("800 us", Durations.format(800_000));
        assertEquals("12 s", Durations.format(12_000_000_000L));
        assertEquals(301.4, Durations.toMillis(301_440_000));
    }
}
