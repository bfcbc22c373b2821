package dev.tollgate.jaxrs;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Puts a resource method, or every resource method of a class, behind an x402 payment. Each attribute is a
 * setting of the application's {@code TollgateConfig} for this resource only: an attribute left at its
 * default takes the method's class annotation's value, and failing that the application-wide setting.
 * Invalid values fail the application at start-up, naming the resource method and the attribute.
 *
 * <pre>{@code
 * @GET @Path("weather")
 * @PaymentRequired(price = "$0.001", description = "Current weather")
 * public Weather weather(@Context PaymentReceipt receipt) { ... }
 * }</pre>
 *
 * Several accepted ways to pay are named options of the configuration ({@code accept.<name>.network},
 * {@code .payTo}, {@code .price}, ...), listed in {@link #accepts()}; an option's missing settings come from
 * this annotation, then the application.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface PaymentRequired {

    /** US dollars, such as {@code "$0.01"}; converted exactly to the asset's atomic units. */
    String price() default "";

    /** The 0x address that receives the payment. */
    String payTo() default "";

    /** A network name, such as {@code "base-sepolia"} or {@code "base"}. */
    String network() default "";

    /** The token contract; by default the network's USDC. */
    String asset() default "";

    /** Shown to the payer in the 402. */
    String description() default "";

    /** The media type the paid resource answers with, announced in the 402. */
    String mimeType() default "";

    /** How long a payment authorization may take to settle; 0 = configured (60 by default). */
    int maxTimeoutSeconds() default 0;

    /** Settle after the method answered (default), or before it runs for costly work. */
    Settlement settlement() default Settlement.CONFIGURED;

    /**
     * Names of payment options configured as {@code accept.<name>.*}; any one of them pays. Empty: the single
     * option given by the other attributes and the application's settings.
     */
    String[] accepts() default {};

    /** {@link dev.tollgate.core.gate.SettlementMode}, plus "as configured". */
    enum Settlement {
        CONFIGURED,
        AFTER,
        BEFORE
    }
}
