// What travels between the SystemC blocks of the pixel chain, and the one way it travels: a
// TLM-2.0 generic payload whose data pointer carries one of these structs, sent with
// b_transport. Payloads carry absolute times (seconds since the stream began), so a block that
// runs ahead of or behind SystemC time under temporal decoupling still knows when things happen.
#pragma once

#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>

#include "models/estimators/estimator.hpp"
#include "models/pulse_source.hpp"

namespace pixforge::sc {

// ADC -> analog front end: the analog value at each sample time (read transaction).
struct SampleRequest {
    std::vector<double> times_s;   // in
    std::vector<double> signal_e;  // out: pulses + noise, peak-normalised electrons, no pedestal
};

// ADC -> trigger: consecutive ADC codes.
struct CodeBlock {
    std::int64_t first_sample = 0;  // index of codes[0] in the stream
    std::vector<std::uint16_t> codes;
    std::vector<float> signal_e;  // the analog signal each code was taken of (SampleRequest), for waveforms
};

// Trigger -> processor: one captured window.
struct CapturedWindow {
    std::uint64_t id = 0;
    std::vector<std::uint16_t> adc;
    double start_s = 0;    // first sample
    double trigger_s = 0;  // the sample that crossed the threshold
    double ready_s = 0;    // last sample: the window is complete
};

// Processor -> readout -> scoreboard: one result.
struct PulseResult {
    std::uint64_t window_id = 0;
    double start_s = 0, trigger_s = 0, ready_s = 0;
    double accepted_s = 0;   // the processor took the window (network: in_valid && in_ready)
    double result_s = 0;     // the result left the processor (network: out_valid)
    double delivered_s = 0;  // the readout link finished sending it
    models::Estimate estimate;
    std::vector<std::int64_t> raw;      // network outputs (empty for classical estimators)
    std::vector<std::uint16_t> window;  // the ADC codes the processor saw
};

// Sends `payload` through an initiator socket as a TLM write (or read), checking the response.
template <typename Socket, typename T>
void transport(Socket& socket, T& payload, tlm::tlm_command command = tlm::TLM_WRITE_COMMAND) {
    tlm::tlm_generic_payload gp;
    gp.set_command(command);
    gp.set_address(0);
    gp.set_data_ptr(reinterpret_cast<unsigned char*>(&payload));
    gp.set_data_length(sizeof(T));
    gp.set_streaming_width(sizeof(T));
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(gp, delay);
    if (gp.is_response_error()) SC_REPORT_ERROR("pixforge", gp.get_response_string().c_str());
}

template <typename T>
T& payload_of(tlm::tlm_generic_payload& gp) {
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    return *reinterpret_cast<T*>(gp.get_data_ptr());
}

inline sc_core::sc_time seconds(double s) {
    return sc_core::sc_time(s, sc_core::SC_SEC);
}

}  // namespace pixforge::sc
