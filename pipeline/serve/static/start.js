// GOV.UK Frontend's components: the file upload's drop zone, the error summary's focus, the
// notification banner's focus. The upload itself works without any of this.
import { initAll } from './govuk-frontend/govuk-frontend.min.js'
initAll()
