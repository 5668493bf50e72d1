package dev.loopwatch.examples.webflux;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A small Spring Boot 4 WebFlux service (Reactor Netty) with the classic mistakes: {@code GET /fast},
 * {@code GET /sleep?ms=300} and {@code GET /spin?ms=300} in a controller (on the Reactor Netty loop), and
 * {@code GET /parallel?ms=300} (CPU on Reactor's parallel scheduler, reported as a scheduler thread). Port
 * from the first argument (default 8082). Run it with {@code examples/frameworks.sh webflux}.
 */
@SpringBootApplication
public class WebFluxDemo {
    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(WebFluxDemo.class);
        app.setDefaultProperties(Map.of("server.port", args.length > 0 ? args[0] : "8082",
                "server.address", "127.0.0.1", "spring.main.banner-mode", "off"));
        app.run();
    }

    @RestController
    public static class DemoController {
        @GetMapping("/fast")
        public String fast() {
            return "ok\n";
        }

        @GetMapping("/sleep")
        public String sleep(@RequestParam(name = "ms", defaultValue = "300") long ms) throws InterruptedException {
            Thread.sleep(ms);
            return "slept on the event loop\n";
        }

        @GetMapping("/spin")
        public String spin(@RequestParam(name = "ms", defaultValue = "300") long ms) {
            burn(ms);
            return "spun on the event loop\n";
        }

        @GetMapping("/parallel")
        public Mono<String> parallel(@RequestParam(name = "ms", defaultValue = "300") long ms) {
            return Mono.fromCallable(() -> burn(ms)).map(x -> "spun on a parallel scheduler\n")
                    .subscribeOn(Schedulers.parallel());
        }

        static long burn(long ms) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
            long x = 0;
            while (System.nanoTime() < deadline) {
                x += x * 31 + 7;
            }
            return x;
        }
    }
}
