/* Placeholder until this verb lands; being written now. */
#include "cli.h"

int cmd_format(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_usage_error("format", "not built yet");
}
