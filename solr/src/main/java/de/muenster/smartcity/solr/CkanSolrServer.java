package de.muenster.smartcity.solr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Runs a real Solr 9 node (Solr's own Jetty runner) for CKAN.
 *
 * Usage: CkanSolrServer SOLR_HOME PORT
 *
 * The Solr home must hold solr.xml and the core directories; bin/services.sh
 * prepares it. The node answers under /solr, so CKAN's solr_url is
 * http://127.0.0.1:PORT/solr/ckan, the same shape as the official CKAN Solr image.
 * It runs until the process receives SIGTERM, then closes the cores cleanly
 * so that the on-disk index stays consistent.
 */
public final class CkanSolrServer {

    private CkanSolrServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: CkanSolrServer SOLR_HOME PORT");
            System.exit(2);
        }
        Path solrHome = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        if (!Files.isRegularFile(solrHome.resolve("solr.xml"))) {
            System.err.println("no solr.xml in " + solrHome);
            System.exit(2);
        }

        JettyConfig config = JettyConfig.builder()
                .setPort(port)
                .setContext("/solr")
                .stopAtShutdown(true)
                .build();
        JettySolrRunner solr = new JettySolrRunner(solrHome.toString(), new Properties(), config);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                solr.stop();
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "solr-shutdown"));

        try {
            solr.start();
        } catch (Exception e) {
            System.err.println("Solr could not start on port " + port + ": " + e);
            System.exit(1);
        }
        System.out.println("Solr " + org.apache.solr.client.api.util.SolrVersion.LATEST
                + " listening on " + solr.getBaseUrl());
        stopped.await();
    }
}
