package dev.tollgate.jaxrs;

import org.glassfish.jersey.test.grizzly.GrizzlyTestContainerFactory;
import org.glassfish.jersey.test.spi.TestContainerFactory;

/** The paid-resource behaviours over real HTTP in Jersey's Grizzly container. */
class GrizzlyContainerTest extends PaidResourceSpec {
    @Override
    protected TestContainerFactory getTestContainerFactory() {
        return new GrizzlyTestContainerFactory();
    }
}
