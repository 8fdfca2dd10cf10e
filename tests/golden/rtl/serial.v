// ---- pixforge_net_serial.v
// pixforge_net_serial: layers 0 to 1 of network ca8a96610a7d4ff4 on one multiply-accumulate unit, 44 steps
// (one per nonzero weight, a bias-only step for an output without any); operands 5 x 11 bits,
// accumulator 20 bits. Latency 44 cycles, initiation interval 44.
module pixforge_net_serial (
    input  wire clk,
    input  wire rst,
    input  wire in_valid,
    output wire in_ready,
    input  wire [87:0] in_data,
    output wire out_valid,
    input  wire out_ready,
    output wire [47:0] out_data
);
    wire [10:0] in_0 = in_data[10:0];
    wire [10:0] in_1 = in_data[21:11];
    wire [10:0] in_2 = in_data[32:22];
    wire [10:0] in_3 = in_data[43:33];
    wire [10:0] in_4 = in_data[54:44];
    wire [10:0] in_5 = in_data[65:55];
    wire [10:0] in_6 = in_data[76:66];
    wire [10:0] in_7 = in_data[87:77];
    reg [5:0] h0_0;
    reg [5:0] h0_1;
    reg [5:0] h0_2;
    reg [5:0] h0_3;
    reg [15:0] h1_0;
    reg [15:0] h1_1;
    reg [15:0] h1_2;
    reg [5:0] step;
    wire last = (step == 6'd43);
    reg signed [4:0] w;
    reg signed [10:0] x;
    reg signed [19:0] bias;
    reg first;
    always @(*) begin
        case (step)
            6'd0: begin w = 5'sh14; x = in_0; first = 1'b1; bias = 20'shfff3f; end
            6'd1: begin w = 5'sh1f; x = in_1; first = 1'b0; bias = 20'sh0; end
            6'd2: begin w = 5'shc; x = in_2; first = 1'b0; bias = 20'sh0; end
            6'd3: begin w = 5'shc; x = in_3; first = 1'b0; bias = 20'sh0; end
            6'd4: begin w = 5'sh19; x = in_4; first = 1'b0; bias = 20'sh0; end
            6'd5: begin w = 5'sh1a; x = in_5; first = 1'b0; bias = 20'sh0; end
            6'd6: begin w = 5'sh15; x = in_6; first = 1'b0; bias = 20'sh0; end
            6'd7: begin w = 5'sh11; x = in_7; first = 1'b0; bias = 20'sh0; end
            6'd8: begin w = 5'sh1b; x = in_0; first = 1'b1; bias = 20'shffebf; end
            6'd9: begin w = 5'sh4; x = in_1; first = 1'b0; bias = 20'sh0; end
            6'd10: begin w = 5'sh8; x = in_2; first = 1'b0; bias = 20'sh0; end
            6'd11: begin w = 5'she; x = in_3; first = 1'b0; bias = 20'sh0; end
            6'd12: begin w = 5'shb; x = in_4; first = 1'b0; bias = 20'sh0; end
            6'd13: begin w = 5'sh19; x = in_5; first = 1'b0; bias = 20'sh0; end
            6'd14: begin w = 5'shb; x = in_6; first = 1'b0; bias = 20'sh0; end
            6'd15: begin w = 5'sh9; x = in_7; first = 1'b0; bias = 20'sh0; end
            6'd16: begin w = 5'shb; x = in_0; first = 1'b1; bias = 20'shffcdb; end
            6'd17: begin w = 5'sh15; x = in_1; first = 1'b0; bias = 20'sh0; end
            6'd18: begin w = 5'sh17; x = in_2; first = 1'b0; bias = 20'sh0; end
            6'd19: begin w = 5'sh1c; x = in_3; first = 1'b0; bias = 20'sh0; end
            6'd20: begin w = 5'sh1c; x = in_4; first = 1'b0; bias = 20'sh0; end
            6'd21: begin w = 5'sh5; x = in_5; first = 1'b0; bias = 20'sh0; end
            6'd22: begin w = 5'sh15; x = in_6; first = 1'b0; bias = 20'sh0; end
            6'd23: begin w = 5'sh17; x = in_7; first = 1'b0; bias = 20'sh0; end
            6'd24: begin w = 5'sh13; x = in_0; first = 1'b1; bias = 20'sh2ed; end
            6'd25: begin w = 5'sh1f; x = in_1; first = 1'b0; bias = 20'sh0; end
            6'd26: begin w = 5'sh1f; x = in_2; first = 1'b0; bias = 20'sh0; end
            6'd27: begin w = 5'sh3; x = in_3; first = 1'b0; bias = 20'sh0; end
            6'd28: begin w = 5'sh16; x = in_4; first = 1'b0; bias = 20'sh0; end
            6'd29: begin w = 5'sh19; x = in_5; first = 1'b0; bias = 20'sh0; end
            6'd30: begin w = 5'shb; x = in_6; first = 1'b0; bias = 20'sh0; end
            6'd31: begin w = 5'sh18; x = in_7; first = 1'b0; bias = 20'sh0; end
            6'd32: begin w = 5'sh1c; x = {{5{1'b0}}, h0_0}; first = 1'b1; bias = 20'shffedd; end
            6'd33: begin w = 5'she; x = {{5{1'b0}}, h0_1}; first = 1'b0; bias = 20'sh0; end
            6'd34: begin w = 5'sh4; x = {{5{1'b0}}, h0_2}; first = 1'b0; bias = 20'sh0; end
            6'd35: begin w = 5'shc; x = {{5{1'b0}}, h0_3}; first = 1'b0; bias = 20'sh0; end
            6'd36: begin w = 5'she; x = {{5{1'b0}}, h0_0}; first = 1'b1; bias = 20'sh5f; end
            6'd37: begin w = 5'sh17; x = {{5{1'b0}}, h0_1}; first = 1'b0; bias = 20'sh0; end
            6'd38: begin w = 5'sh2; x = {{5{1'b0}}, h0_2}; first = 1'b0; bias = 20'sh0; end
            6'd39: begin w = 5'sh10; x = {{5{1'b0}}, h0_3}; first = 1'b0; bias = 20'sh0; end
            6'd40: begin w = 5'shc; x = {{5{1'b0}}, h0_0}; first = 1'b1; bias = 20'shb4; end
            6'd41: begin w = 5'sh19; x = {{5{1'b0}}, h0_1}; first = 1'b0; bias = 20'sh0; end
            6'd42: begin w = 5'sh4; x = {{5{1'b0}}, h0_2}; first = 1'b0; bias = 20'sh0; end
            6'd43: begin w = 5'sh1c; x = {{5{1'b0}}, h0_3}; first = 1'b0; bias = 20'sh0; end
            default: begin w = 5'sd0; x = 11'sd0; first = 1'b0; bias = 20'sd0; end
        endcase
    end
    wire signed [15:0] product = {{11{w[4]}}, w} * {{5{x[10]}}, x};
    reg signed [19:0] acc;
    wire signed [19:0] acc_next = (first ? bias : acc) + {{4{product[15]}}, product};
    wire signed [19:0] yn0_shifted = (acc_next + 20'sh100) >>> 9;
    wire [5:0] yn0 = (yn0_shifted > 20'sh3f) ? 6'd63 : (yn0_shifted < 20'sh0) ? 6'd0 : yn0_shifted[5:0];
    wire signed [19:0] yn1_shifted = acc_next <<< 5;
    wire [15:0] yn1 = (yn1_shifted > 20'sh7fff) ? 16'd32767 : (yn1_shifted < 20'shf8000) ? 16'd32768 : yn1_shifted[15:0];
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
    always @(posedge clk) begin
        if (rst) begin
            step <= 6'd0;
        end else if (advance) begin
            step <= last ? 6'd0 : step + 6'd1;
        end
    end
    always @(posedge clk) begin
        if (advance) begin
            acc <= acc_next;
        end
    end
    wire write0 = advance && (step == 6'd7 || step == 6'd15 || step == 6'd23 || step == 6'd31);
    always @(posedge clk) begin
        if (write0) begin
            case (step)
                6'd7: h0_0 <= yn0;
                6'd15: h0_1 <= yn0;
                6'd23: h0_2 <= yn0;
                6'd31: h0_3 <= yn0;
                default: ;
            endcase
        end
    end
    wire write1 = advance && (step == 6'd35 || step == 6'd39 || step == 6'd43);
    always @(posedge clk) begin
        if (write1) begin
            case (step)
                6'd35: h1_0 <= yn1;
                6'd39: h1_1 <= yn1;
                6'd43: h1_2 <= yn1;
                default: ;
            endcase
        end
    end
    assign out_data = {h1_2, h1_1, h1_0};
endmodule
// ---- pixforge_net.v
// pixforge_net: network ca8a96610a7d4ff4, input samples [0, 8) of 10 bits, baseline = round(mean of the first 4 samples)
module pixforge_net (
    input  wire clk,
    input  wire rst,
    input  wire in_valid,
    output wire in_ready,
    input  wire [79:0] in_samples,
    output wire out_valid,
    input  wire out_ready,
    output wire [47:0] out_data
);
    wire [12:0] baseline_sum = {3'd0, in_samples[9:0]} + {3'd0, in_samples[19:10]} + {3'd0, in_samples[29:20]} + {3'd0, in_samples[39:30]} + 13'd2;
    wire [9:0] baseline = baseline_sum[11:2];
    wire unused_baseline_bits = ^{baseline_sum[12], baseline_sum[1:0]};
    wire [10:0] feature_0 = {1'b0, in_samples[9:0]} - {1'b0, baseline};
    wire [10:0] feature_1 = {1'b0, in_samples[19:10]} - {1'b0, baseline};
    wire [10:0] feature_2 = {1'b0, in_samples[29:20]} - {1'b0, baseline};
    wire [10:0] feature_3 = {1'b0, in_samples[39:30]} - {1'b0, baseline};
    wire [10:0] feature_4 = {1'b0, in_samples[49:40]} - {1'b0, baseline};
    wire [10:0] feature_5 = {1'b0, in_samples[59:50]} - {1'b0, baseline};
    wire [10:0] feature_6 = {1'b0, in_samples[69:60]} - {1'b0, baseline};
    wire [10:0] feature_7 = {1'b0, in_samples[79:70]} - {1'b0, baseline};
    reg [87:0] x_data;
    reg x_valid;
    wire l0_in_ready, l0_out_valid;
    wire [47:0] l0_out_data;
    wire x_free = !x_valid || l0_in_ready;
    assign in_ready = x_free;
    always @(posedge clk) begin
        if (rst) x_valid <= 1'b0;
        else if (in_valid && x_free) x_valid <= 1'b1;
        else if (l0_in_ready) x_valid <= 1'b0;
    end
    always @(posedge clk) if (in_valid && x_free) x_data <= {feature_7, feature_6, feature_5, feature_4, feature_3, feature_2, feature_1, feature_0};
    pixforge_net_serial serial (.clk(clk), .rst(rst), .in_valid(x_valid), .in_ready(l0_in_ready), .in_data(x_data), .out_valid(l0_out_valid), .out_ready(out_ready), .out_data(l0_out_data));
    assign out_valid = l0_out_valid;
    assign out_data = l0_out_data;
endmodule
