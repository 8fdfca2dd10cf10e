// ---- pixforge_stream_layer0.v
// pixforge_stream_layer0: first layer of network 86b6b1144211a6a0 fed one ADC code per sample, 12 samples per
// window (inputs [4, 12)), baseline = mean of the first 4 samples; 4 hidden units on 2 multiplier(s) of 5 x 11 bits over 2 cycle(s)
// per sample; accumulators 20 bits.
module pixforge_stream_layer0 (
    input  wire clk,
    input  wire rst,
    input  wire s_valid,
    input  wire [9:0] s_code,
    output wire [3:0] s_pos,
    output wire idle,
    output wire in_last,
    output wire last_pending,
    output wire out_valid,
    input  wire out_ready,
    output wire [23:0] out_data
);
    reg [3:0] pos;
    assign s_pos = pos;
    reg [0:0] ph;
    reg [9:0] held;
    wire proc = (ph == 1'd0) ? s_valid : 1'b1;
    wire [9:0] code = (ph == 1'd0) ? s_code : held;
    wire at_last = (pos == 4'd11);
    assign in_last = proc && at_last && (ph == 1'd0);
    assign idle = (pos == 4'd0) && (ph == 1'd0);
    reg [11:0] baseline_sum;
    wire [12:0] baseline_round = {1'b0, baseline_sum} + 13'd2;
    wire [9:0] baseline = baseline_round[11:2];
    wire unused_round_bits = ^{baseline_round[12], baseline_round[1:0]};
    wire gclk_baseline;
    pixforge_clock_gate cg_baseline (.clk(clk), .en(s_valid && (ph == 1'd0) && (pos < 4'd4)), .gclk(gclk_baseline));
    always @(posedge gclk_baseline) begin
            baseline_sum <= (pos == 4'd0) ? {2'd0, code} : baseline_sum + {2'd0, code};
    end
    wire signed [10:0] x = {1'b0, code} - {1'b0, baseline};
    wire work = proc && (pos >= 4'd4);
    reg b_valid, b_first, b_last;
    reg signed [10:0] b_x;
    reg [4:0] b_sel;
    always @(posedge clk) begin
        if (rst) b_valid <= 1'b0;
        else b_valid <= work;
    end
    wire gclk_stage;
    pixforge_clock_gate cg_stage (.clk(clk), .en(work), .gclk(gclk_stage));
    always @(posedge gclk_stage) begin
            b_x <= x;
            b_sel <= {pos, ph};
            b_first <= (pos == 4'd4);
            b_last <= at_last;
    end
    reg signed [4:0] w_0;
    always @(*) begin
        case (b_sel)
            5'd8: w_0 = 5'sh14;
            5'd9: w_0 = 5'shb;
            5'd10: w_0 = 5'sh1f;
            5'd11: w_0 = 5'sh15;
            5'd12: w_0 = 5'shc;
            5'd13: w_0 = 5'sh17;
            5'd14: w_0 = 5'shc;
            5'd15: w_0 = 5'sh1c;
            5'd16: w_0 = 5'sh19;
            5'd17: w_0 = 5'sh1c;
            5'd18: w_0 = 5'sh1a;
            5'd19: w_0 = 5'sh5;
            5'd20: w_0 = 5'sh15;
            5'd21: w_0 = 5'sh15;
            5'd22: w_0 = 5'sh11;
            5'd23: w_0 = 5'sh17;
            default: w_0 = 5'sd0;
        endcase
    end
    wire signed [15:0] p_0 = {{11{w_0[4]}}, w_0} * {{5{b_x[10]}}, b_x};
    reg signed [19:0] a_0;
    reg signed [19:0] c_0;
    always @(*) begin
        case (b_sel[0:0])
            1'd0: begin a_0 = acc_0; c_0 = 20'shfff3f; end
            1'd1: begin a_0 = acc_2; c_0 = 20'shffcdb; end
            default: begin a_0 = 20'sd0; c_0 = 20'sd0; end
        endcase
    end
    wire signed [19:0] next_0 = (b_first ? c_0 : a_0) + {{4{p_0[15]}}, p_0};
    wire signed [19:0] yn_0_shifted = (next_0 + 20'sh100) >>> 9;
    wire [5:0] yn_0 = (yn_0_shifted > 20'sh3f) ? 6'd63 : (yn_0_shifted < 20'sh0) ? 6'd0 : yn_0_shifted[5:0];
    reg signed [4:0] w_1;
    always @(*) begin
        case (b_sel)
            5'd8: w_1 = 5'sh1b;
            5'd9: w_1 = 5'sh13;
            5'd10: w_1 = 5'sh4;
            5'd11: w_1 = 5'sh1f;
            5'd12: w_1 = 5'sh8;
            5'd13: w_1 = 5'sh1f;
            5'd14: w_1 = 5'she;
            5'd15: w_1 = 5'sh3;
            5'd16: w_1 = 5'shb;
            5'd17: w_1 = 5'sh16;
            5'd18: w_1 = 5'sh19;
            5'd19: w_1 = 5'sh19;
            5'd20: w_1 = 5'shb;
            5'd21: w_1 = 5'shb;
            5'd22: w_1 = 5'sh9;
            5'd23: w_1 = 5'sh18;
            default: w_1 = 5'sd0;
        endcase
    end
    wire signed [15:0] p_1 = {{11{w_1[4]}}, w_1} * {{5{b_x[10]}}, b_x};
    reg signed [19:0] a_1;
    reg signed [19:0] c_1;
    always @(*) begin
        case (b_sel[0:0])
            1'd0: begin a_1 = acc_1; c_1 = 20'shffebf; end
            1'd1: begin a_1 = acc_3; c_1 = 20'sh2ed; end
            default: begin a_1 = 20'sd0; c_1 = 20'sd0; end
        endcase
    end
    wire signed [19:0] next_1 = (b_first ? c_1 : a_1) + {{4{p_1[15]}}, p_1};
    wire signed [19:0] yn_1_shifted = (next_1 + 20'sh100) >>> 9;
    wire [5:0] yn_1 = (yn_1_shifted > 20'sh3f) ? 6'd63 : (yn_1_shifted < 20'sh0) ? 6'd0 : yn_1_shifted[5:0];
    reg signed [19:0] acc_0;
    reg [5:0] y_0;
    reg signed [19:0] acc_1;
    reg [5:0] y_1;
    reg signed [19:0] acc_2;
    reg [5:0] y_2;
    reg signed [19:0] acc_3;
    reg [5:0] y_3;
    wire gclk_acc0;
    pixforge_clock_gate cg_acc0 (.clk(clk), .en(b_valid && !b_last && (b_sel[0:0] == 1'd0)), .gclk(gclk_acc0));
    always @(posedge gclk_acc0) begin
            acc_0 <= next_0;
            acc_1 <= next_1;
    end
    wire gclk_y0;
    pixforge_clock_gate cg_y0 (.clk(clk), .en(b_valid && b_last && (b_sel[0:0] == 1'd0)), .gclk(gclk_y0));
    always @(posedge gclk_y0) begin
            y_0 <= yn_0;
            y_1 <= yn_1;
    end
    wire gclk_acc1;
    pixforge_clock_gate cg_acc1 (.clk(clk), .en(b_valid && !b_last && (b_sel[0:0] == 1'd1)), .gclk(gclk_acc1));
    always @(posedge gclk_acc1) begin
            acc_2 <= next_0;
            acc_3 <= next_1;
    end
    wire gclk_y1;
    pixforge_clock_gate cg_y1 (.clk(clk), .en(b_valid && b_last && (b_sel[0:0] == 1'd1)), .gclk(gclk_y1));
    always @(posedge gclk_y1) begin
            y_2 <= yn_0;
            y_3 <= yn_1;
    end
    wire b_done = b_valid && b_last && (b_sel[0:0] == 1'd1);
    assign last_pending = b_valid && b_last;
    reg y_valid;
    assign out_valid = y_valid;
    always @(posedge clk) begin
        if (rst) y_valid <= 1'b0;
        else if (b_done) y_valid <= 1'b1;
        else if (out_ready) y_valid <= 1'b0;
    end
    wire gclk_position;
    pixforge_clock_gate cg_position (.clk(clk), .en(rst || (proc)), .gclk(gclk_position));
    always @(posedge gclk_position) begin
        if (rst) begin
            pos <= 4'd0;
            ph <= 1'd0;
        end else begin
            ph <= (ph == 1'd1) ? 1'd0 : ph + 1'd1;
            if ((ph == 1'd1)) pos <= at_last ? 4'd0 : pos + 4'd1;
        end
    end
    wire gclk_held;
    pixforge_clock_gate cg_held (.clk(clk), .en(s_valid && (ph == 1'd0)), .gclk(gclk_held));
    always @(posedge gclk_held) begin
            held <= s_code;
    end
    assign out_data = {y_3, y_2, y_1, y_0};
endmodule
// ---- pixforge_stream_tail.v
// pixforge_stream_tail: layers 1 to 1 of network 86b6b1144211a6a0 on one multiply-accumulate unit, 12 steps
// (one per nonzero weight, a bias-only step for an output without any); operands 5 x 7 bits,
// accumulator 19 bits. Latency 12 cycles, initiation interval 12.
module pixforge_stream_tail (
    input  wire clk,
    input  wire rst,
    input  wire in_valid,
    output wire in_ready,
    input  wire [23:0] in_data,
    output wire out_valid,
    input  wire out_ready,
    output wire [47:0] out_data
);
    wire [5:0] in_0 = in_data[5:0];
    wire [5:0] in_1 = in_data[11:6];
    wire [5:0] in_2 = in_data[17:12];
    wire [5:0] in_3 = in_data[23:18];
    reg [15:0] h1_0;
    reg [15:0] h1_1;
    reg [15:0] h1_2;
    reg [3:0] step;
    wire last = (step == 4'd11);
    reg signed [4:0] w;
    reg signed [6:0] x;
    reg signed [18:0] bias;
    reg first;
    always @(*) begin
        case (step)
            4'd0: begin w = 5'sh1c; x = {{1{1'b0}}, in_0}; first = 1'b1; bias = 19'sh7fedd; end
            4'd1: begin w = 5'she; x = {{1{1'b0}}, in_1}; first = 1'b0; bias = 19'sh0; end
            4'd2: begin w = 5'sh4; x = {{1{1'b0}}, in_2}; first = 1'b0; bias = 19'sh0; end
            4'd3: begin w = 5'shc; x = {{1{1'b0}}, in_3}; first = 1'b0; bias = 19'sh0; end
            4'd4: begin w = 5'she; x = {{1{1'b0}}, in_0}; first = 1'b1; bias = 19'sh5f; end
            4'd5: begin w = 5'sh17; x = {{1{1'b0}}, in_1}; first = 1'b0; bias = 19'sh0; end
            4'd6: begin w = 5'sh2; x = {{1{1'b0}}, in_2}; first = 1'b0; bias = 19'sh0; end
            4'd7: begin w = 5'sh10; x = {{1{1'b0}}, in_3}; first = 1'b0; bias = 19'sh0; end
            4'd8: begin w = 5'shc; x = {{1{1'b0}}, in_0}; first = 1'b1; bias = 19'shb4; end
            4'd9: begin w = 5'sh19; x = {{1{1'b0}}, in_1}; first = 1'b0; bias = 19'sh0; end
            4'd10: begin w = 5'sh4; x = {{1{1'b0}}, in_2}; first = 1'b0; bias = 19'sh0; end
            4'd11: begin w = 5'sh1c; x = {{1{1'b0}}, in_3}; first = 1'b0; bias = 19'sh0; end
            default: begin w = 5'sd0; x = 7'sd0; first = 1'b0; bias = 19'sd0; end
        endcase
    end
    wire signed [11:0] product = {{7{w[4]}}, w} * {{5{x[6]}}, x};
    reg signed [18:0] acc;
    wire signed [18:0] acc_next = (first ? bias : acc) + {{7{product[11]}}, product};
    wire signed [18:0] yn1_shifted = acc_next <<< 5;
    wire [15:0] yn1 = (yn1_shifted > 19'sh7fff) ? 16'd32767 : (yn1_shifted < 19'sh78000) ? 16'd32768 : yn1_shifted[15:0];
    reg y_valid;
    assign out_valid = y_valid;
    wire slot_free = !y_valid || out_ready;
    wire advance = in_valid && slot_free;  // the previous result is taken before any output changes
    wire fire = advance && last;
    assign in_ready = fire;
    always @(posedge clk) begin
        if (rst) y_valid <= 1'b0;
        else if (fire) y_valid <= 1'b1;
        else if (out_ready) y_valid <= 1'b0;
    end
    wire gclk_step;
    pixforge_clock_gate cg_step (.clk(clk), .en(rst || (advance)), .gclk(gclk_step));
    always @(posedge gclk_step) begin
        if (rst) begin
            step <= 4'd0;
        end else begin
            step <= last ? 4'd0 : step + 4'd1;
        end
    end
    wire gclk_acc;
    pixforge_clock_gate cg_acc (.clk(clk), .en(advance), .gclk(gclk_acc));
    always @(posedge gclk_acc) begin
            acc <= acc_next;
    end
    wire write1 = advance && (step == 4'd3 || step == 4'd7 || step == 4'd11);
    wire gclk_h1;
    pixforge_clock_gate cg_h1 (.clk(clk), .en(write1), .gclk(gclk_h1));
    always @(posedge gclk_h1) begin
            case (step)
                4'd3: h1_0 <= yn1;
                4'd7: h1_1 <= yn1;
                4'd11: h1_2 <= yn1;
                default: ;
            endcase
    end
    assign out_data = {h1_2, h1_1, h1_0};
endmodule
// ---- pixforge_stream_net.v
// pixforge_stream_net: network 86b6b1144211a6a0 on a sample stream (streaming template).
module pixforge_stream_net (
    input  wire clk,
    input  wire rst,
    input  wire s_valid,
    input  wire [9:0] s_code,
    output wire [3:0] s_pos,
    output wire idle,
    output wire in_last,
    output wire free,
    output wire out_valid,
    input  wire out_ready,
    output wire [47:0] out_data
);
    wire h_valid, h_ready;
    wire [23:0] h_data;
    wire last_pending;
    pixforge_stream_layer0 layer0 (.clk(clk), .rst(rst), .s_valid(s_valid), .s_code(s_code), .s_pos(s_pos),
        .idle(idle), .in_last(in_last), .last_pending(last_pending), .out_valid(h_valid),
        .out_ready(h_ready), .out_data(h_data));
    // The first layer's outputs are taken (and not about to be loaded): a new window may start.
    assign free = !h_valid && !last_pending;
    pixforge_stream_tail tail (.clk(clk), .rst(rst), .in_valid(h_valid), .in_ready(h_ready), .in_data(h_data),
        .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data));
endmodule
// ---- pixforge_clock_gate.v
// pixforge_clock_gate: clock gate, enable latched while clk is low (glitch-free gclk).
module pixforge_clock_gate (
    input  wire clk,
    input  wire en,
    output wire gclk
);
    reg en_latched;
    /* verilator lint_off LATCH */
    always @(clk or en) if (!clk) en_latched = en;
    /* verilator lint_on LATCH */
    assign gclk = clk & en_latched;
endmodule
// ---- pixforge_net.v
// pixforge_net: the streaming template behind the window-level ports: the held window is fed
// one sample per 2 cycle(s); in_ready marks its last sample taken. A window starts when the
// first layer's previous outputs are taken.
module pixforge_net (
    input  wire clk,
    input  wire rst,
    input  wire in_valid,
    output wire in_ready,
    input  wire [119:0] in_samples,
    output wire out_valid,
    input  wire out_ready,
    output wire [47:0] out_data
);
    wire [3:0] s_pos;
    wire idle, free;
    reg [9:0] s_code;
    always @(*) begin
        case (s_pos)
            4'd0: s_code = in_samples[9:0];
            4'd1: s_code = in_samples[19:10];
            4'd2: s_code = in_samples[29:20];
            4'd3: s_code = in_samples[39:30];
            4'd4: s_code = in_samples[49:40];
            4'd5: s_code = in_samples[59:50];
            4'd6: s_code = in_samples[69:60];
            4'd7: s_code = in_samples[79:70];
            4'd8: s_code = in_samples[89:80];
            4'd9: s_code = in_samples[99:90];
            4'd10: s_code = in_samples[109:100];
            4'd11: s_code = in_samples[119:110];
            default: s_code = 10'd0;
        endcase
    end
    pixforge_stream_net net (.clk(clk), .rst(rst), .s_valid(in_valid && (!idle || free)), .s_code(s_code),
        .s_pos(s_pos), .idle(idle), .in_last(in_ready), .free(free), .out_valid(out_valid),
        .out_ready(out_ready), .out_data(out_data));
endmodule
