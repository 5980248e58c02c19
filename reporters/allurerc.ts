// The allurerc read by `npm run report`: the report is named after, and opens on, the verdict in reports/go-no-go.json (FLOWGATE_REPORTS_DIR moves it).
import { allureConfig, readVerdict, reportPaths } from './allure-config';

const paths = reportPaths();

export default allureConfig(paths, readVerdict(paths));
