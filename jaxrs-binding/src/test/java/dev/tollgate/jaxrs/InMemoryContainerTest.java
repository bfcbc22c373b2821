package dev.tollgate.jaxrs;

import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import java.util.function.Supplier;
import org.glassfish.jersey.test.inmemory.InMemoryTestContainerFactory;
import org.glassfish.jersey.test.spi.TestContainerFactory;

/** The paid-resource behaviours in Jersey's in-memory container. */
class InMemoryContainerTest extends PaidResourceSpec {
    @Override
    protected TestContainerFactory getTestContainerFactory() {
        return new InMemoryTestContainerFactory();
    }

    /** The in-memory container hands an unmapped exception to the client instead of answering 500. */
    @Override
    void assertCrashed(Supplier<Response> call) {
        assertThrows(ProcessingException.class, call::get);
    }

    /** The same after a settlement: the client sees the exception, not an answer that could carry the receipt. */
    @Override
    void assertCrashedCarryingTheReceipt(Supplier<Response> call) {
        assertThrows(ProcessingException.class, call::get);
    }
}
