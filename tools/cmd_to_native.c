/* Placeholder until this verb lands; being written now. */
#include "cli.h"

int cmd_domxml_to_native(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_usage_error("domxml_to_native", "not built yet");
}
