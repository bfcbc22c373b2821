package dev.tollgate.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.gate.PaymentReceipt;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The paid resource. It only runs after Tollgate admitted a payment, whose receipt it may read. */
public class ReportServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    // Built, not concatenated: the payer is what a facilitator said, and unknown (null) for a proof-API payment.
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        PaymentReceipt receipt = (PaymentReceipt) req.getAttribute(PaymentReceipt.ATTRIBUTE);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().write(JSON.writeValueAsString(JSON.createObjectNode()
                .put("report", "Premium market report: USDC demand up 3% this week")
                .put("paidBy", receipt == null ? null : receipt.payer())));
    }
}
