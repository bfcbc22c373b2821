package dev.tollgate.sample;

import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A bare Jetty 12 ee10 server that deploys a war, as a user deploys the sample's: started by {@link WarDeploymentIT}
 * in its own JVM whose class path holds only what a container provides (Jetty, the servlet API, SLF4J), so the war
 * must bring everything else. Prints {@code PORT n} once serving, and stops when its standard input closes.
 */
public final class WarLauncher {
    private WarLauncher() {
    }

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/");
        webapp.setWar(args[0]);
        webapp.setThrowUnavailableOnStartupException(true);
        server.setHandler(webapp);
        try {
            server.start();
        } catch (Exception | Error e) {
            System.out.println("FAILED " + e);
            e.printStackTrace(System.out);
            System.out.flush();
            server.stop();
            System.exit(1);
        }
        System.out.println("PORT " + connector.getLocalPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // runs until the test closes our standard input
        }
        server.stop();
    }
}
