package dev.tollgate.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.gate.PaymentTerms;
import dev.tollgate.core.gate.SettlementMode;
import java.math.BigInteger;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTermsTest {
    private static final String PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
    private static final String OTHER = "0x1111111111111111111111111111111111111111";

    private static TollgateConfig.Builder base() {
        return TollgateConfig.builder().facilitatorUrl("http://127.0.0.1:9").payTo(PAY_TO).environment(n -> null);
    }

    @Test
    void aConfigurationWithoutRoutesNeedsNoTopLevelPrice() {
        TollgateConfig config = base().withoutRoutes().build();
        assertTrue(config.routes().routes().isEmpty());
    }

    @Test
    void routeSettingsOverrideTheTopLevelAndInheritTheRest() {
        TollgateConfig config = base().price("$0.01").build();
        PaymentTerms terms = config.routeTerms("m", Map.of("price", "$0.001", "settlement", "before"));
        assertEquals(BigInteger.valueOf(1000), terms.options().get(0).amount());
        assertEquals(PAY_TO, terms.options().get(0).payTo());
        assertEquals(SettlementMode.BEFORE, terms.settlement());
    }

    @Test
    void aRoutePriceWinsOverATopLevelAmount() {
        TollgateConfig config = base().set("amount", "5").build();
        assertEquals(BigInteger.valueOf(20_000),
                config.routeTerms("m", Map.of("price", "$0.02")).options().get(0).amount());
    }

    @Test
    void namedOptionsInheritTheRoutePriceWhenTheyHaveNone() {
        TollgateConfig config = base().withoutRoutes().set("accept.a.payTo", OTHER)
                .set("accept.b.price", "$0.05").build();
        PaymentTerms terms = config.routeTerms("m", Map.of("price", "$0.01", "accepts", "a,b"));
        assertEquals(2, terms.options().size());
        assertEquals(OTHER, terms.options().get(0).payTo());
        assertEquals(BigInteger.valueOf(10_000), terms.options().get(0).amount());
        assertEquals(BigInteger.valueOf(50_000), terms.options().get(1).amount());
    }

    @Test
    void anInvalidRouteSettingIsNamedWithTheRoutePrefix() {
        TollgateConfig config = base().withoutRoutes().build();
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> config.routeTerms("m", Map.of("price", "ten dollars")));
        assertEquals("route.m.price", e.setting());
        assertTrue(e.problem().contains("ten dollars"), e.problem());
    }

    @Test
    void routeSettingsDoNotLeakIntoOtherRoutes() {
        TollgateConfig config = base().price("$0.01").build();
        config.routeTerms("m", Map.of("price", "$0.5"));
        assertEquals(BigInteger.valueOf(10_000), config.routeTerms("m", Map.of()).options().get(0).amount());
    }
}
