#include "models/pixel_chain.hpp"

namespace pixforge::models {

PixelChain::PixelChain(const ChainParams& params)
    : params_(params),
      sensor_(params.sensor),
      frontend_(params.frontend),
      noise_(params.noise, frontend_, 1.0 / params.adc.sampling_rate_Hz),
      adc_(params.adc, params.seed) {}

}  // namespace pixforge::models
