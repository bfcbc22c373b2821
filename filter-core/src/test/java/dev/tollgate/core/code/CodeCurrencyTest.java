package dev.tollgate.core.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CodeCurrencyTest {

    @Test
    void indicesMatchTheCodeCurrencyTable() {
        assertEquals(0, CodeCurrency.of("kin").index());
        assertEquals(140, CodeCurrency.of("usd").index());
        assertEquals(43, CodeCurrency.of("eur").index());
        assertEquals(46, CodeCurrency.of("gbp").index());
        assertEquals(26, CodeCurrency.of("cad").index());
        assertEquals(153, CodeCurrency.of("zmw").index());
    }

    @Test
    void lookupIgnoresCase() {
        assertEquals(CodeCurrency.USD, CodeCurrency.of("USD"));
    }

    @Test
    void indexLooksUpTheSameCurrency() {
        assertEquals(CodeCurrency.EUR, CodeCurrency.ofIndex(43));
    }

    @Test
    void unknownCurrencyIsRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CodeCurrency.of("xyz"));
        assertEquals("unsupported currency: 'xyz'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CodeCurrency.ofIndex(154));
        assertThrows(IllegalArgumentException.class, () -> CodeCurrency.of(null));
    }

    @Test
    void majorFiatCurrenciesHaveAFiveCentMinimum() {
        for (String code : new String[] {"usd", "eur", "gbp", "cad"}) {
            assertEquals(Optional.of(new BigDecimal("0.05")), CodeCurrency.of(code).minimumAmount(), code);
        }
        assertTrue(CodeCurrency.KIN.minimumAmount().isEmpty());
    }

    @Test
    void onlyKinIsKin() {
        assertTrue(CodeCurrency.KIN.isKin());
        assertEquals(false, CodeCurrency.USD.isKin());
    }
}
