package dev.loopwatch.examples.grpc;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A small gRPC service on grpc-netty with {@code directExecutor()} (service methods on the Netty loops) and
 * the classic mistakes: {@code demo.Demo/Fast}, {@code /Sleep} and {@code /Spin} (the request is the
 * milliseconds). Defined by hand, without protoc. {@code GrpcDemo server [port]} serves (default 8083);
 * {@code GrpcDemo client [port] Method ms} calls. Run both with {@code examples/frameworks.sh grpc}.
 */
public final class GrpcDemo {
    private GrpcDemo() {
    }

    static MethodDescriptor<String, String> method(String name) {
        return MethodDescriptor.<String, String>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName("demo.Demo", name))
                .setRequestMarshaller(Utf8.INSTANCE).setResponseMarshaller(Utf8.INSTANCE).build();
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "server";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8083;
        if (mode.equals("client")) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            long start = System.nanoTime();
            String reply = ClientCalls.blockingUnaryCall(channel, method(args[2]),
                    CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), args.length > 3 ? args[3] : "300");
            System.out.printf("%s -> %s (%d ms)%n", args[2], reply, (System.nanoTime() - start) / 1_000_000);
            channel.shutdownNow();
            return;
        }
        DemoService service = new DemoService();
        ServerServiceDefinition definition = ServerServiceDefinition.builder("demo.Demo")
                .addMethod(method("Fast"), ServerCalls.asyncUnaryCall(service::fast))
                .addMethod(method("Sleep"), ServerCalls.asyncUnaryCall(service::sleep))
                .addMethod(method("Spin"), ServerCalls.asyncUnaryCall(service::spin))
                .build();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .directExecutor().addService(definition).build().start();
        System.out.println("gRPC demo listening on 127.0.0.1:" + server.getPort());
        server.awaitTermination();
    }

    /** The service, as one would write it behind generated stubs. */
    static final class DemoService {
        void fast(String request, StreamObserver<String> out) {
            out.onNext("ok");
            out.onCompleted();
        }

        void sleep(String ms, StreamObserver<String> out) {
            try {
                Thread.sleep(Long.parseLong(ms));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.onNext("slept on the event loop");
            out.onCompleted();
        }

        void spin(String ms, StreamObserver<String> out) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(ms));
            long x = 0;
            while (System.nanoTime() < deadline) {
                x += x * 31 + 7;
            }
            out.onNext("spun on the event loop" + (x == 42 ? "!" : ""));
            out.onCompleted();
        }
    }

    enum Utf8 implements MethodDescriptor.Marshaller<String> {
        INSTANCE;

        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
