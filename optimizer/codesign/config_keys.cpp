#include "optimizer/codesign/config_keys.hpp"

#include "datasets/dataset_builder.hpp"
#include "models/chain_params.hpp"
#include "models/estimators/classical.hpp"
#include "models/pixel_budget.hpp"
#include "models/training/trainer_keys.hpp"
#include "optimizer/codesign/codesign_setup.hpp"
#include "optimizer/codesign/search_strategy.hpp"
#include "rtl_gen/synthesis/ppa.hpp"
#include "tb/chain_testbench.hpp"
#include "tb/validation.hpp"

namespace pixforge::codesign {

const ConfigSchema& all_config_keys() {
    static const ConfigSchema schema = [] {  // immutable once built
        ConfigSchema s;
        models::declare_chain_keys(s);
        datasets::declare_dataset_keys(s);
        models::declare_network_keys(s);
        models::declare_training_keys(s);
        declare_optimizer_keys(s);
        rtl::declare_synthesis_keys(s);
        models::declare_pixel_keys(s);
        declare_codesign_keys(s);
        declare_search_keys(s);
        tb::declare_validate_keys(s);
        tb::declare_readout_keys(s);
        models::declare_estimator_keys(s);
        return s;
    }();
    return schema;
}

}  // namespace pixforge::codesign
