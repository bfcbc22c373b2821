/** JAX-RS binding: annotate resources with {@code @PaymentRequired}. */
package dev.tollgate.jaxrs;
