// Bit-exact integer inference of a QuantizedNetwork in plain C++ (no LibTorch): the golden model
// that the exact LibTorch forward pass, and later the RTL, must equal bit for bit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/estimators/estimator.hpp"
#include "models/network/quantized_network.hpp"

namespace pixforge::models {

// Baseline-subtracted input integers of one ADC window (shared by training and inference).
void network_inputs(const InputSpec& input, const std::uint16_t* window, std::vector<std::int64_t>& x);

class IntegerReference {
  public:
    explicit IntegerReference(QuantizedNetwork net) : nets_{std::move(net)} {}
    // Several networks on the same window (a pixel block with several cores, rtl::PixelCore): their
    // outputs in order, each network's heads read from its own.
    explicit IntegerReference(std::vector<QuantizedNetwork> nets) : nets_(std::move(nets)) {}

    // The output layer's integers for one window.
    void run(const std::uint16_t* window, std::vector<std::int64_t>& out) const;
    // Physical value of a head from the output integers (eV, s, or logit).
    double head(const std::vector<std::int64_t>& out, const std::string& name, double missing = 0.0) const;

  private:
    std::vector<QuantizedNetwork> nets_;
};

// The network as an in-pixel estimator, scored by the same code as the classical ones.
class NetworkEstimator : public PulseEstimator {
  public:
    explicit NetworkEstimator(QuantizedNetwork net, std::string name = "network")
        : reference_(std::move(net)), name_(std::move(name)) {}
    const std::string& name() const override { return name_; }
    Estimate estimate(const std::uint16_t* window) const override;

  private:
    IntegerReference reference_;
    std::string name_;
};

// Hardware-cost proxies computed on the IR alone; later issues compare them with synthesis.
struct NetworkProxies {
    std::int64_t macs = 0;             // multiply-accumulates per inference
    std::int64_t bops = 0;             // bit operations: sum of MACs x weight bits x input bits
    std::int64_t parameter_bits = 0;   // weights and biases as stored
    std::int64_t activation_bits = 0;  // every layer's output (and the input) held once
    int latency_parallel = 0;          // cycles, fully parallel template: a register per layer + input
    int latency_folded = 0;            // cycles, folded template with reuse factor R per layer
};
NetworkProxies theory_proxies(const QuantizedNetwork& net, int reuse = 4);
// "conv 4x3/1 > 16 > 8 > 3, w8 a8" style summary.
std::string describe_layers(const QuantizedNetwork& net);
// The networks of one pixel block: "energy: in 16 > 4 ... | toa: in 16 > 2 ..." (each labelled by
// its heads); one network: describe_layers.
std::string describe_networks(const std::vector<QuantizedNetwork>& nets);

}  // namespace pixforge::models
