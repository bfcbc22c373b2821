package dev.tollgate.jaxrs;

import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Providers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a paid response's entity into memory before settlement, with the application's own
 * {@link MessageBodyWriter}. A payment is then only settled for a body that was produced completely (a
 * {@code StreamingOutput} that fails half-way is not charged), and nothing reaches the client before it.
 */
final class RenderedEntity {
    private RenderedEntity() {
    }

    /** Thrown when the entity is larger than the limit or its writer failed. */
    static final class RenderingFailed extends Exception {
        private static final long serialVersionUID = 1L;

        RenderingFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Replaces the response's entity by its bytes; a response without entity is left alone. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static void render(ContainerResponseContext response, Providers providers, long limit) throws RenderingFailed {
        if (!response.hasEntity()) {
            return;
        }
        Object entity = response.getEntity();
        if (entity instanceof byte[]) {
            return;
        }
        if (SubResources.isChunkedOutput(entity.getClass())) {
            // Refused at start-up for methods declared to return one; this is a Response or Object carrying it.
            throw new RenderingFailed("a ChunkedOutput writes its content after the method returns", null);
        }
        MediaType type = response.getMediaType() != null ? response.getMediaType() : MediaType.APPLICATION_OCTET_STREAM_TYPE;
        if (providers == null) {
            throw new RenderingFailed("TollgateFeature's ProvidersProperty filter did not run", null);
        }
        MessageBodyWriter writer = providers.getMessageBodyWriter(response.getEntityClass(), response.getEntityType(),
                response.getEntityAnnotations(), type);
        if (writer == null) {
            throw new RenderingFailed("no MessageBodyWriter for " + response.getEntityClass().getName() + " as " + type,
                    null);
        }
        LimitedBuffer buffer = new LimitedBuffer(limit);
        try {
            writer.writeTo(entity, response.getEntityClass(), response.getEntityType(), response.getEntityAnnotations(),
                    type, response.getHeaders(), buffer);
        } catch (IOException | RuntimeException e) {
            throw new RenderingFailed("the paid entity could not be written: " + e.getMessage(), e);
        }
        response.setEntity(buffer.toByteArray(), response.getEntityAnnotations(), type);
    }

    private static final class LimitedBuffer extends OutputStream {
        private final long limit;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        LimitedBuffer(long limit) {
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            room(1);
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            room(len);
            bytes.write(b, off, len);
        }

        private void room(int more) throws IOException {
            if (bytes.size() + (long) more > limit) {
                throw new IOException("larger than the configured bufferLimit of " + limit + " bytes");
            }
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }
}
