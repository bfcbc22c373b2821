package dev.tollgate.sample;

import dev.tollgate.core.gate.PaymentReceipt;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The paid resource. It only runs after Tollgate admitted a payment, whose receipt it may read. */
public class ReportServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        PaymentReceipt receipt = (PaymentReceipt) req.getAttribute(PaymentReceipt.ATTRIBUTE);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().write("{\"report\":\"Premium market report: USDC demand up 3% this week\","
                + "\"paidBy\":\"" + (receipt == null ? "" : receipt.payer()) + "\"}");
    }
}
